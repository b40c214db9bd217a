// django-prose-editor writes its toolbar's tooltips, screen-reader labels and
// block-type names in English, outside Django's translation catalog; editors
// here read Chinese. The toolbar is built by the editor's script, so the labels
// are put in Chinese as it appears (and again when it redraws a picker).
(function () {
  "use strict";

  const LABELS = {
    bold: "加粗",
    italic: "斜体",
    underline: "下划线",
    strike: "删除线",
    subscript: "下标",
    superscript: "上标",
    "insert link": "插入链接",
    "remove link": "取消链接",
    "unordered list": "项目符号列表",
    "ordered list": "编号列表",
    blockquote: "引文",
    "horizontal rule": "分隔线",
    paragraph: "正文段落",
    Paragraph: "正文段落",
    "Code block": "代码块",
    Code: "代码",
    "edit HTML": "编辑 HTML",
    HTML: "HTML",
    undo: "撤销",
    redo: "重做",
    figure: "图片",
    title: "标题",
    "Insert table": "插入表格",
    "Merge cells": "合并单元格",
    "Split cell": "拆分单元格",
    Styles: "样式",
    "Reset all classes": "清除样式",
  };
  const HEADING = /^Heading (\d)$/;
  const LEVELS = ["", "一", "二", "三", "四", "五", "六"];

  function chinese(text) {
    const heading = HEADING.exec(text);
    return heading ? `${LEVELS[Number(heading[1])]}级标题` : LABELS[text];
  }

  function relabel(menubar) {
    for (const button of menubar.querySelectorAll("button[title]")) {
      const label = chinese(button.title);
      if (label) {
        button.title = label;
        button.setAttribute("aria-label", label);
      }
    }
    for (const element of menubar.querySelectorAll("*")) {
      if (element.children.length === 0 && !element.classList.contains("material-icons")) {
        const label = chinese(element.textContent.trim());
        if (label) {
          element.textContent = label;
        }
      }
    }
  }

  function relabelAll(root) {
    for (const menubar of root.querySelectorAll(".prose-menubar")) {
      relabel(menubar);
    }
  }

  new MutationObserver(function (mutations) {
    for (const mutation of mutations) {
      const target = mutation.target instanceof Element ? mutation.target : null;
      const menubar = target && target.closest(".prose-menubar");
      if (menubar) {
        relabel(menubar);
      } else if (target && !target.closest(".ProseMirror")) {
        relabelAll(target);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    relabelAll(document);
  });
})();
