// jjj-book: a "下载图片（PNG）" link under every chart drawn by a notebook cell.
// The link points at the image the page already shows (no request leaves the book) and
// asks the browser to save it under a readable name: <page>-图<N>.png.
(function () {
  "use strict";

  function pageName() {
    var file = window.location.pathname.split("/").pop() || "index.html";
    return decodeURIComponent(file.replace(/\.html$/, "")) || "figure";
  }

  function addLinks() {
    var images = document.querySelectorAll(".cell_output img");
    var n = 0;
    images.forEach(function (img) {
      var src = img.getAttribute("src") || "";
      if (!/\.png(\?|#|$)/i.test(src) || img.dataset.jjjDownload) {
        return;
      }
      n += 1;
      img.dataset.jjjDownload = "1";
      var line = document.createElement("p");
      line.className = "jjj-figure-download";
      line.style.margin = "0.1rem 0 0.8rem";
      line.style.fontSize = "0.85em";
      var link = document.createElement("a");
      link.href = src;
      link.setAttribute("download", pageName() + "-图" + n + ".png");
      link.textContent = "下载图片（PNG）";
      if (img.alt) {
        link.title = img.alt;
      }
      line.appendChild(link);
      img.insertAdjacentElement("afterend", line);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addLinks);
  } else {
    addLinks();
  }
})();
