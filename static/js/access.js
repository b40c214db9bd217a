// 无障碍 / 适老化 toolbar (templates/includes/access_toolbar.html).
//
// Loaded without defer in <head>: the first part runs before the body is
// parsed, so a reader who chose high contrast never sees a white page flash
// first. Choices live in this browser's localStorage, never in a cookie: pages
// are cached whole and shared, so the server must not depend on them, and
// nothing is sent anywhere (no consent banner needed). 大字 is the exception:
// it is the 字号 switch the server already knows through its cookie.
(function () {
  "use strict";
  var KEY = "hzcms-access";
  var MODES = ["contrast", "spacing", "cursor"];
  var root = document.documentElement;

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      // Storage blocked (private mode, policy) or garbled: start from the defaults.
      return {};
    }
  }

  function save(settings) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (error) {
      // Not remembered, but the mode still applies to this page.
    }
  }

  var settings = load();
  root.classList.add("access-js");
  MODES.forEach(function (mode) {
    root.classList.toggle("a11y-" + mode, settings[mode] === true);
  });

  function setStatus(text) {
    var status = document.querySelector("[data-access-status]");
    if (status) status.textContent = text;
  }

  // --- 大字: the same cookie and body class as the 字号 links (static/js/site.js).
  var SIZES = ["small", "medium", "large"];

  function currentSize() {
    for (var i = 0; i < SIZES.length; i++) {
      if (document.body.classList.contains("font-" + SIZES[i])) return SIZES[i];
    }
    return "medium";
  }

  function setSize(size) {
    SIZES.forEach(function (s) { document.body.classList.remove("font-" + s); });
    document.body.classList.add("font-" + size);
    document.cookie = "fontsize=" + size + "; path=/; max-age=31536000; samesite=lax";
    document.querySelectorAll("[data-size]").forEach(function (link) {
      if (link.dataset.size === size) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  // --- 朗读: the browser's own speech synthesis; nothing leaves the browser.
  var speech = { queue: [], reading: null, active: false };
  // The engine exists but cannot speak here (no voice installed, none for Chinese).
  var NO_VOICE = ["synthesis-unavailable", "synthesis-failed", "language-unavailable", "voice-unavailable", "audio-hardware"];

  function speechButtons() {
    return {
      start: document.querySelector('[data-speech="start"]'),
      pause: document.querySelector('[data-speech="pause"]'),
      stop: document.querySelector('[data-speech="stop"]'),
    };
  }

  function showReading(active, paused) {
    var b = speechButtons();
    if (!b.start) return;
    b.pause.disabled = !active;
    b.stop.disabled = !active;
    b.pause.setAttribute("aria-pressed", paused ? "true" : "false");
    b.pause.textContent = paused ? "继续" : "暂停";
    b.start.textContent = active ? "从头朗读" : "朗读全文";
  }

  // What the page is about, in reading order: the article (title, body) where
  // there is one, otherwise the main content; the toolbar, 字号 links, the
  // printed URL and anything hidden are left out.
  function readableBlocks() {
    var main = document.querySelector("main");
    if (!main) return [];
    var scope = main.querySelector("article") || main;
    var blocks = [];
    scope.querySelectorAll("h1, h2, h3, h4, p, li, dt, dd, figcaption, blockquote, td").forEach(function (el) {
      if (el.closest(".reading-tools, .print-url, .access-bar, [hidden], [aria-hidden='true']")) return;
      if (el.parentElement && el.parentElement.closest("p, li, dd, figcaption, blockquote, td")) return;
      var text = (el.innerText || "").replace(/\s+/g, " ").trim();
      if (text) blocks.push({ element: el, text: text });
    });
    return blocks;
  }

  // Long utterances are cut off by some engines: one per sentence group.
  function pieces(text) {
    var sentences = text.match(/[^。！？；!?;]+[。！？；!?;”’」』）)]*/g) || [text];
    var out = [];
    var current = "";
    sentences.forEach(function (sentence) {
      if (current && (current + sentence).length > 160) {
        out.push(current);
        current = "";
      }
      current += sentence;
    });
    if (current.trim()) out.push(current);
    return out;
  }

  function chineseVoice() {
    var voices = window.speechSynthesis.getVoices() || [];
    var exact = voices.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); });
    var any = voices.filter(function (v) { return /^(zh|cmn)/i.test(v.lang); });
    return exact[0] || any[0] || null;
  }

  function markReading(element) {
    document.querySelectorAll(".a11y-reading").forEach(function (el) { el.classList.remove("a11y-reading"); });
    if (element) element.classList.add("a11y-reading");
  }

  function finishReading(message) {
    var b = speechButtons();
    // 暂停 and 停止 are disabled now: keep the keyboard where it was, on 朗读全文.
    var refocus = document.activeElement === b.pause || document.activeElement === b.stop;
    speech.queue = [];
    speech.active = false;
    markReading(null);
    showReading(false, false);
    if (refocus) b.start.focus();
    if (message) setStatus(message);
  }

  function speakNext(session) {
    if (session !== speech.session) return;
    var next = speech.queue.shift();
    if (!next) {
      finishReading("朗读完毕。");
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(next.text);
    utterance.lang = "zh-CN";
    if (speech.voice) utterance.voice = speech.voice;
    utterance.rate = 0.9;
    utterance.onstart = function () { markReading(next.element); };
    utterance.onend = function () { speakNext(session); };
    utterance.onerror = function (event) {
      if (session !== speech.session) return;
      var error = event && event.error;
      if (error === "interrupted" || error === "canceled") return;
      finishReading(NO_VOICE.indexOf(error) >= 0
        ? "无法朗读：此浏览器或设备没有可用的中文语音（朗读使用浏览器自带的语音合成）。"
        : error === "not-allowed" ? "浏览器暂不允许朗读，请再按一次“朗读全文”。" : "朗读出错，已停止。");
    };
    window.speechSynthesis.speak(utterance);
  }

  function startReading() {
    if (!("speechSynthesis" in window) || !window.speechSynthesis || !window.SpeechSynthesisUtterance) {
      setStatus("此浏览器不支持语音朗读（朗读使用浏览器自带的语音合成，不经任何外部服务）。可改用手机或电脑系统自带的读屏功能。");
      return;
    }
    var blocks = readableBlocks();
    if (!blocks.length) {
      setStatus("本页没有可朗读的正文。");
      return;
    }
    window.speechSynthesis.cancel();
    speech.session = (speech.session || 0) + 1;
    speech.voice = chineseVoice();
    speech.queue = [];
    blocks.forEach(function (block) {
      pieces(block.text).forEach(function (text) { speech.queue.push({ element: block.element, text: text }); });
    });
    speech.active = true;
    showReading(true, false);
    var voices = window.speechSynthesis.getVoices() || [];
    setStatus(voices.length && !speech.voice
      ? "正在朗读。此浏览器未安装中文语音，读音可能不准确。"
      : "正在朗读本页正文。");
    speakNext(speech.session);
  }

  function togglePause() {
    if (!speech.active) return;
    var synth = window.speechSynthesis;
    if (synth.paused) {
      synth.resume();
      showReading(true, false);
      setStatus("继续朗读。");
    } else {
      synth.pause();
      showReading(true, true);
      setStatus("朗读已暂停。");
    }
  }

  function stopReading() {
    if (!speech.active) return;
    speech.session += 1;
    window.speechSynthesis.cancel();
    finishReading("朗读已停止。");
  }

  // --- The toolbar.
  function showModes() {
    document.querySelectorAll("[data-access-mode]").forEach(function (button) {
      var on = root.classList.contains("a11y-" + button.dataset.accessMode);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    document.querySelectorAll("[data-access-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", currentSize() === "large" ? "true" : "false");
    });
  }

  function setMode(mode, on) {
    root.classList.toggle("a11y-" + mode, on);
    settings = load();
    if (on) settings[mode] = true;
    else delete settings[mode];
    save(settings);
    showModes();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-access-toggle]");
    var panel = document.getElementById("access-panel");
    if (!toggle || !panel) return;

    function openPanel(open) {
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }

    toggle.addEventListener("click", function () { openPanel(panel.hidden); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || panel.hidden) return;
      var inside = panel.contains(document.activeElement) || document.activeElement === toggle;
      openPanel(false);
      if (inside) toggle.focus();
    });
    panel.querySelector("[data-access-close]").addEventListener("click", function () {
      openPanel(false);
      toggle.focus();
    });

    panel.querySelectorAll("[data-access-mode]").forEach(function (button) {
      button.addEventListener("click", function () {
        setMode(button.dataset.accessMode, button.getAttribute("aria-pressed") !== "true");
      });
    });
    panel.querySelector("[data-access-size]").addEventListener("click", function () {
      setSize(currentSize() === "large" ? "medium" : "large");
    });
    panel.querySelector("[data-access-reset]").addEventListener("click", function () {
      MODES.forEach(function (mode) { setMode(mode, false); });
      if (currentSize() !== "medium") setSize("medium");
      stopReading();
      setStatus("已恢复默认显示。");
    });
    panel.querySelector('[data-speech="start"]').addEventListener("click", startReading);
    panel.querySelector('[data-speech="pause"]').addEventListener("click", togglePause);
    panel.querySelector('[data-speech="stop"]').addEventListener("click", stopReading);

    // The 字号 links change the size too; 大字 follows whichever was used.
    new MutationObserver(showModes).observe(document.body, { attributes: true, attributeFilter: ["class"] });
    // Another tab changed a mode: follow it here.
    window.addEventListener("storage", function (event) {
      if (event.key !== KEY) return;
      settings = load();
      MODES.forEach(function (mode) { root.classList.toggle("a11y-" + mode, settings[mode] === true); });
      showModes();
    });
    // Leaving the page ends its reading (some engines keep speaking otherwise).
    window.addEventListener("pagehide", function () {
      if (speech.active) window.speechSynthesis.cancel();
    });
    showModes();
  });
})();
