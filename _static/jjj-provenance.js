/* Where is this number from? (jjj_book.provenance; no request leaves the page)
   Every <script type="application/json" class="jjj-provenance"> block of the page is merged into one
   record; a number with provenance (a glued value span.jjj-glued#n-<key>, or [data-jjj-prov]) opens a
   panel on click, Enter or Space: the observation row(s) and their source, or the formula and its
   inputs, each input openable the same way. Esc or the close button closes it. Chart variants
   (.jjj-variants) are switched by their radio buttons. */
(function () {
  "use strict";
  var rec = { numbers: {}, rows: {}, sources: {} };
  var panel, body, opener, trail = [];

  function merge() {
    document.querySelectorAll('script.jjj-provenance[type="application/json"]').forEach(function (s) {
      try {
        var d = JSON.parse(s.textContent);
        ["numbers", "rows", "sources"].forEach(function (k) { Object.assign(rec[k], d[k] || {}); });
      } catch (e) { /* a broken block is skipped, the page still reads */ }
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function keyOf(node) {
    if (node.dataset.jjjProv) return node.dataset.jjjProv;
    var m = /^n-(.*?)(-\d+)?$/.exec(node.id || "");
    return m && (rec.numbers[m[1]] ? m[1] : (rec.numbers[node.id.slice(2)] ? node.id.slice(2) : null));
  }
  function dl(pairs) {
    var d = el("dl", "jjj-prov-fields");
    pairs.forEach(function (p) {
      if (!p[1] && p[1] !== 0) return;
      d.appendChild(el("dt", null, p[0]));
      d.appendChild(el("dd", null, String(p[1])));
    });
    return d;
  }
  function sourceBlock(s, id) {
    var box = el("div", "jjj-prov-source");
    if (id) box.dataset.source = id;
    box.appendChild(el("h4", null, "出处"));
    box.appendChild(dl([["发布机构", s.publisher], ["出版物", "《" + s.publication + "》"],
      ["表或发布", s.table], ["日期", s.date], ["官方网址", s.url], ["网址类型", s.address_kind]]));
    return box;
  }
  function rowLine(rid, r) {
    var b = el("button", "jjj-prov-row", r.region + " " + r.year + "年 " + r.indicator + "：" + r.value);
    b.type = "button";
    b.dataset.row = rid;
    b.addEventListener("click", function () { show({ row: rid }, true); });
    return b;
  }
  function rowBlock(rid) {
    var r = rec.rows[rid];
    if (!r) return;
    body.appendChild(dl([["指标", r.indicator], ["地区", r.region], ["年份", r.year], ["时期", r.period],
      ["数值", r.value], ["单位", r.unit], ["数据版本", r.vintage], ["说明", r.note]]));
    if (r.source && rec.sources[r.source]) body.appendChild(sourceBlock(rec.sources[r.source], r.source));
  }
  function render(item) {
    body.textContent = "";
    if (trail.length > 1) {
      var back = el("button", "jjj-prov-back", "← 返回");
      back.type = "button";
      back.addEventListener("click", function () { trail.pop(); render(trail[trail.length - 1]); });
      body.appendChild(back);
    }
    if (item.row) {
      body.appendChild(el("h3", null, "一条官方数据"));
      rowBlock(item.row);
      return;
    }
    var n = rec.numbers[item.key];
    var kinds = { observation: "一条官方数据", derived: "由官方数据计算", reported: "报告中的数字", parameter: "本章的参数" };
    body.appendChild(el("h3", null, (n.label ? n.label + "：" : "") + (n.value || item.text || "")));
    body.appendChild(el("p", "jjj-prov-kind", kinds[n.kind] || ""));
    if (n.kind === "reported" && n.report) body.appendChild(sourceBlock(n.report));
    if (n.kind === "observation" && n.rows.length === 1) rowBlock(n.rows[0]);
    if (n.formula) body.appendChild(dl([["计算方法", n.formula]]));
    if (n.uses && n.uses.length) {
      body.appendChild(el("h4", null, "用到本页的其他数字"));
      n.uses.forEach(function (u) {
        var b = el("button", "jjj-prov-row", (rec.numbers[u] && rec.numbers[u].label) || "数字");
        b.type = "button";
        b.addEventListener("click", function () { show({ key: u }, true); });
        body.appendChild(b);
      });
    }
    if (n.kind !== "observation" && n.rows.length) {
      body.appendChild(el("h4", null, "所用数据（" + n.rows.length + " 条，点开看出处）"));
      var list = el("div", "jjj-prov-rows");
      n.rows.forEach(function (rid) { if (rec.rows[rid]) list.appendChild(rowLine(rid, rec.rows[rid])); });
      body.appendChild(list);
      var seen = {};
      n.rows.forEach(function (rid) {
        var s = rec.rows[rid] && rec.rows[rid].source;
        if (s && !seen[s] && rec.sources[s]) { seen[s] = 1; body.appendChild(sourceBlock(rec.sources[s], s)); }
      });
    }
    if (item.anchor && trail.length === 1) {
      var a = el("a", "jjj-prov-link", "链接到这个数字");
      a.href = "#" + item.anchor;
      body.appendChild(a);
    }
  }
  function show(item, push) {
    if (push) trail.push(item); else trail = [item];
    render(item);
    panel.hidden = false;
    panel.focus();
  }
  function close() {
    panel.hidden = true;
    trail = [];
    if (opener) opener.focus();
  }
  function build() {
    panel = el("div", "jjj-prov-panel");
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "数字的出处");
    panel.tabIndex = -1;
    var x = el("button", "jjj-prov-close", "×");
    x.type = "button";
    x.setAttribute("aria-label", "关闭");
    x.addEventListener("click", close);
    body = el("div", "jjj-prov-body");
    panel.appendChild(x);
    panel.appendChild(body);
    panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    document.body.appendChild(panel);
  }
  function open(node) {
    var key = keyOf(node);
    if (!key) return;
    opener = node;
    var anchor = node.id || (node.closest("[id]") || {}).id || "";
    trail = [];
    show({ key: key, text: node.textContent.trim(), anchor: anchor }, true);
  }
  function arm(node) {
    if (!keyOf(node)) return;
    node.classList.add("jjj-num");
    node.tabIndex = 0;
    node.setAttribute("role", "button");
    node.setAttribute("aria-haspopup", "dialog");
    node.title = "点开看出处";
  }
  function variants() {
    document.querySelectorAll(".jjj-variants").forEach(function (box) {
      box.querySelectorAll('input[type="radio"]').forEach(function (radio) {
        radio.addEventListener("change", function () {
          box.querySelectorAll(".jjj-variant").forEach(function (v) { v.hidden = v.dataset.vintage !== radio.value; });
        });
      });
    });
  }
  function init() {
    merge();
    build();
    document.querySelectorAll("span.jjj-glued, [data-jjj-prov]").forEach(arm);
    document.addEventListener("click", function (e) {
      var t = e.target.closest && e.target.closest(".jjj-num");
      if (t) { e.preventDefault(); open(t); }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if ((e.key === "Enter" || e.key === " ") && t.classList && t.classList.contains("jjj-num")) {
        e.preventDefault();
        open(t);
      }
    });
    variants();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
