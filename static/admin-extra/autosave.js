// Autosave of the admin's change and add forms (core.admin.autosave).
//
// Every data-autosave-seconds, if the form changed since its last autosave, it
// goes to the server (…/<id>/autosave/, or …/autosave/ on the add form) as
// JSON: the fields as the form would post them, inline rows and their
// management forms included, files and the CSRF token left out. Opening the
// form again offers what was kept: 恢复 puts it back (adding inline rows as
// needed, showing rich-text bodies in their editors), 丢弃 deletes it. Saving
// the form deletes it on the server.
(function () {
  "use strict";
  const script = document.currentScript;
  const seconds = Number(script && script.dataset.autosaveSeconds) || 30;
  const MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  const SKIPPED_TYPES = new Set(["file", "submit", "button", "reset", "image"]);

  // django-prose-editor announces each editor it starts (the body sections';
  // new inline rows get theirs later), with the textarea it keeps in step.
  const editors = new WeakMap();
  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
  });

  function editorOf(textarea) {
    if (editors.has(textarea)) return editors.get(textarea);
    const wrapper = textarea.closest(".prose-editor");
    const view = wrapper && wrapper.querySelector(".ProseMirror[contenteditable]");
    return (view && view.editor) || null; // Tiptap keeps the editor on its element
  }

  function endpoints() {
    const path = window.location.pathname;
    const match = /\/(change|add)\/$/.exec(path);
    if (!match || new URLSearchParams(window.location.search).has("_popup")) return null;
    const save = path.slice(0, match.index + 1) + "autosave/";
    return { save: save, discard: save + "discard/" };
  }

  function skipped(element) {
    return (
      !element.name ||
      element.name === "csrfmiddlewaretoken" ||
      element.name.includes("__prefix__") ||
      SKIPPED_TYPES.has(element.type)
    );
  }

  // The form as it would be posted, and the shown text of the chosen options
  // of autocomplete selects, whose options are loaded on demand.
  function serialize(form) {
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string") continue; // a file
      if (name === "csrfmiddlewaretoken" || name.includes("__prefix__")) continue;
      fields.push([name, value]);
    }
    const labels = {};
    for (const select of form.querySelectorAll("select.admin-autocomplete")) {
      if (skipped(select) || select.disabled) continue;
      for (const option of select.selectedOptions) {
        labels[select.name] = labels[select.name] || {};
        labels[select.name][option.value] = option.text;
      }
    }
    return { fields: fields, labels: labels };
  }

  function announce(element) {
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Inline rows: add ("添加另一个") or remove unsaved ones until the formset
  // has as many rows as the autosave.
  function matchRows(form, prefix, wanted) {
    const total = form.querySelector(`[name="${prefix}-TOTAL_FORMS"]`);
    const initial = form.querySelector(`[name="${prefix}-INITIAL_FORMS"]`);
    const group = document.getElementById(prefix + "-group");
    const add = group && group.querySelector(".add-row a");
    let count = parseInt(total.value, 10);
    while (add && count < wanted) {
      add.click();
      const now = parseInt(total.value, 10);
      if (now === count) break; // the most rows the formset allows
      count = now;
    }
    const first = Math.max(wanted, parseInt(initial ? initial.value : "0", 10) || 0);
    for (let index = count - 1; index >= first; index -= 1) {
      const row = document.getElementById(`${prefix}-${index}`);
      const remove = row && row.querySelector(".inline-deletelink");
      if (remove) remove.click();
    }
  }

  function fill(element, values, labels) {
    if (element.type === "checkbox" || element.type === "radio") {
      // An unticked box is not posted: absent means unticked.
      const checked = (values || []).includes(element.value);
      if (element.checked !== checked) {
        element.checked = checked;
        announce(element);
      }
      return;
    }
    if (element.tagName === "SELECT") {
      if (values === undefined && !element.multiple) return;
      values = values || [];
      for (const value of values) {
        const known = Array.from(element.options).some((option) => option.value === value);
        if (!known && labels && value in labels) {
          element.add(new Option(labels[value], value));
        }
      }
      for (const option of element.options) option.selected = values.includes(option.value);
      announce(element); // select2 redraws on change
      return;
    }
    if (values === undefined || element.value === values[0]) return;
    const editor = element.tagName === "TEXTAREA" ? editorOf(element) : null;
    if (editor) editor.commands.setContent(values[0], { emitUpdate: false });
    // Also for an editor still starting: it reads the textarea when it does.
    element.value = values[0];
    announce(element);
  }

  function restore(form, data) {
    const saved = new Map();
    for (const [name, value] of data.fields) {
      if (!saved.has(name)) saved.set(name, []);
      saved.get(name).push(value);
    }
    for (const [name, values] of saved) {
      if (name.endsWith("-TOTAL_FORMS")) {
        const prefix = name.slice(0, -"-TOTAL_FORMS".length);
        const wanted = parseInt(values[0], 10);
        if (form.querySelector(`[name="${prefix}-TOTAL_FORMS"]`) && wanted >= 0) {
          matchRows(form, prefix, wanted);
        }
      }
    }
    for (const element of Array.from(form.elements)) {
      if (skipped(element) || element.disabled || MANAGEMENT.test(element.name)) continue;
      fill(element, saved.get(element.name), (data.labels || {})[element.name]);
    }
  }

  function ago(secondsAgo) {
    const minutes = Math.floor(secondsAgo / 60);
    if (minutes < 1) return "不到 1 分钟前";
    if (minutes < 60) return `${minutes} 分钟前`;
    if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} 小时前`;
    return `${Math.floor(minutes / (24 * 60))} 天前`;
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function start(form, urls) {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    const state = {
      saved: null, // the fields last kept on the server (or loaded with the page)
      refused: null, // fields the server refused (too large): not sent again
      pending: false, // an autosave is offered: nothing is kept until it is restored or discarded
      submitting: false,
      request: null,
    };

    const statuses = Array.from(form.querySelectorAll(".submit-row")).map(function (row, i) {
      const status = element("span", { class: "autosave-status" });
      if (i === 0) status.setAttribute("aria-live", "polite");
      else status.setAttribute("aria-hidden", "true");
      // After the save buttons, ahead of the delete link the admin pushes right.
      const buttons = row.querySelectorAll("input[type=submit]");
      if (buttons.length) buttons[buttons.length - 1].after(status);
      else row.append(status);
      return status;
    });

    function say(text, problem) {
      for (const status of statuses) {
        status.textContent = text;
        status.classList.toggle("autosave-problem", Boolean(problem));
      }
    }

    function post(url, body, options) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": token ? token.value : "",
          Accept: "application/json",
        },
        body: JSON.stringify(body || {}),
        ...options,
      });
    }

    async function answer(response) {
      const type = response.headers.get("Content-Type") || "";
      // Anything else is a page the admin redirected to (the sign-in, say).
      if (!type.includes("application/json")) return { error: "登录已失效，请重新登录。" };
      return response.json();
    }

    async function autosave() {
      if (state.submitting || state.pending || state.request) return;
      const payload = serialize(form);
      const fields = JSON.stringify(payload.fields);
      if (fields === state.saved || fields === state.refused) return;
      const controller = new AbortController();
      state.request = controller;
      try {
        const response = await post(urls.save, payload, { signal: controller.signal });
        const data = await answer(response);
        if (response.ok && !data.error) {
          state.saved = fields;
          say(`已自动保存 ${data.time}`);
        } else {
          if (response.status === 413) state.refused = fields;
          say(`未能自动保存：${data.error || response.status}`, true);
        }
      } catch (error) {
        if (error.name !== "AbortError") say("未能自动保存：网络不可用，稍后重试。", true);
      } finally {
        state.request = null;
      }
    }

    function offer(data) {
      state.pending = true;
      const bar = element("div", { class: "autosave-offer", role: "status" });
      const message = element("p");
      message.append(
        "发现",
        element("time", { datetime: data.saved_at, title: data.date }, ago(data.age_seconds)),
        "自动保存的未提交内容："
      );
      const actions = element("div", { class: "autosave-actions" });
      const restoreButton = element("button", { type: "button", class: "button default" }, "恢复");
      const discardButton = element("button", { type: "button", class: "button" }, "丢弃");
      actions.append(restoreButton, discardButton);
      bar.append(message, actions);
      form.prepend(bar);
      say("自动保存已暂停：请先选择恢复或丢弃上次的内容。");

      restoreButton.addEventListener("click", function () {
        restore(form, data.data);
        state.pending = false;
        state.saved = JSON.stringify(serialize(form).fields);
        bar.replaceChildren(element("p", {}, "已恢复自动保存的内容。请检查后保存。"));
        bar.classList.add("autosave-done");
        say(`已恢复 ${data.time} 自动保存的内容`);
      });
      discardButton.addEventListener("click", async function () {
        discardButton.disabled = restoreButton.disabled = true;
        try {
          const response = await post(urls.discard);
          if (!response.ok) throw new Error(String(response.status));
        } catch (error) {
          discardButton.disabled = restoreButton.disabled = false;
          say("未能丢弃自动保存的内容，请重试。", true);
          return;
        }
        state.pending = false;
        state.saved = JSON.stringify(serialize(form).fields);
        bar.remove();
        say("已丢弃自动保存的内容");
      });
    }

    form.addEventListener("submit", function (event) {
      state.submitting = true;
      if (state.request) state.request.abort();
      // A later listener may still stop the submit (a confirmation declined).
      window.setTimeout(function () {
        if (event.defaultPrevented) state.submitting = false;
      }, 0);
    });
    // A form shown again with errors holds the newest typing: keep that (on the
    // next tick) instead of offering the autosave made before it was sent.
    const rejected = document.querySelector(".errornote, .errorlist");
    state.saved = rejected ? null : JSON.stringify(serialize(form).fields);
    if (!rejected) {
      fetch(urls.save, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(async function (response) {
          if (response.status !== 200) return;
          const data = await answer(response);
          if (data.data && !state.submitting) offer(data);
        })
        .catch(function () {});
    }
    window.setInterval(autosave, seconds * 1000);
  }

  function init() {
    const urls = endpoints();
    const form = document.querySelector('#content-main form[method="post"][id$="_form"]');
    // Only a form the user may save (not a read-only view, a popup or a version being restored).
    if (!urls || !form || !form.querySelector('[name="_save"]')) return;
    start(form, urls);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
