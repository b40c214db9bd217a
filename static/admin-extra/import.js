// The 导入稿件 page (importing.admin_views): a drop zone around the file input,
// the list of chosen files, and the file-count limit checked before sending
// (Django refuses too many files with a bare error page).
(function () {
  "use strict";

  var SUFFIXES = [".txt", ".docx"];

  function suffixOf(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  function size(bytes) {
    if (bytes < 1024 * 1024) {
      return Math.max(1, Math.round(bytes / 1024)) + " KB";
    }
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function setUp(form) {
    var zone = form.querySelector("[data-import-drop]");
    var input = zone && zone.querySelector("input[type=file]");
    if (!input) {
      return;
    }
    var list = zone.querySelector("[data-import-chosen]");
    var error = zone.querySelector("[data-import-error]");
    var submit = form.querySelector("[data-import-submit]");
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10) || 0;

    function show() {
      var files = Array.prototype.slice.call(input.files || []);
      list.textContent = "";
      files.forEach(function (file) {
        var item = document.createElement("li");
        var refused = SUFFIXES.indexOf(suffixOf(file.name)) < 0;
        item.textContent = file.name + "（" + size(file.size) + "）" + (refused ? "：不是 .txt 或 .docx，不会导入" : "");
        if (refused) {
          item.className = "is-refused";
        }
        list.appendChild(item);
      });
      var tooMany = maxFiles && files.length > maxFiles;
      error.hidden = !tooMany;
      error.textContent = tooMany ? "一次最多导入 " + maxFiles + " 个文件，您选择了 " + files.length + " 个。" : "";
      submit.disabled = Boolean(tooMany);
    }

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        if (!zone.contains(event.relatedTarget)) {
          zone.classList.remove("is-dragging");
        }
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
    input.addEventListener("change", show);
    form.addEventListener("submit", function () {
      // Reading and checking many files takes a moment; one click is enough.
      window.setTimeout(function () {
        submit.disabled = true;
        submit.value = "正在读取文件…";
      }, 0);
    });
    show();
  }

  // The confirmation imports once; a second click would only be refused.
  function submitOnce(form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("[type=submit]"), function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-import-form]"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("[data-submit-once]"), submitOnce);
  });
})();
