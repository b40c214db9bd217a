// Small enhancements; every page works without them.
(function () {
  "use strict";
  var SIZES = ["small", "medium", "large"];

  function setSize(size) {
    if (SIZES.indexOf(size) < 0) return;
    SIZES.forEach(function (s) { document.body.classList.remove("font-" + s); });
    document.body.classList.add("font-" + size);
    // The server reads the same cookie, so the next page renders at this size.
    document.cookie = "fontsize=" + size + "; path=/; max-age=31536000; samesite=lax";
    document.querySelectorAll("[data-size]").forEach(function (link) {
      if (link.dataset.size === size) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-size]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        setSize(link.dataset.size);
      });
    });
    // 返回: to the site page the reader came from (a list, a tag, a district)
    // rather than the fixed default; the server cannot know it without making
    // every page uncacheable. Other sites' addresses are never followed.
    var back = document.querySelector("[data-back]");
    if (back && document.referrer) {
      var from = new URL(document.referrer);
      if (from.origin === location.origin && from.pathname !== location.pathname) {
        back.href = from.pathname + from.search;
        back.textContent = "返回上一页";
      }
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
