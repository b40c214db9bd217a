// The body editor's picture button. A picture in a body is only a reference to
// the image library (<figure data-image="42"></figure>): the public page draws
// it from the image's current renditions, alt text, caption and credit, so the
// editor never stores <img> markup. This module adds the node, its preview in
// the editor, and a dialog to pick a library image or upload a new one.
import { Node } from "django-prose-editor/editor"

const previews = new Map() // image id -> Promise of its description
let pending = null // ids waiting for one batched request

function describe(pickerUrl, id) {
  if (previews.has(id)) return previews.get(id)
  if (!pending) {
    pending = new Map()
    // Every picture of a body opened at once is fetched in one request.
    setTimeout(() => {
      const batch = pending
      pending = null
      const url = `${pickerUrl}?ids=${[...batch.keys()].join(",")}`
      fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .catch(() => ({ results: [] }))
        .then(({ results }) => {
          const byId = new Map(results.map((item) => [String(item.id), item]))
          for (const [key, settle] of batch) settle(byId.get(key) || null)
        })
    }, 0)
  }
  const promise = new Promise((settle) => pending.set(id, settle))
  previews.set(id, promise)
  return promise
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value
    else node.setAttribute(name, value)
  }
  node.append(...children)
  return node
}

function fillPreview(figure, item) {
  figure.replaceChildren()
  if (!item) {
    figure.append(element("p", { class: "library-image-missing", text: "图片已不在图片库中" }))
    return
  }
  figure.append(
    element("img", {
      src: item.preview,
      width: item.width,
      height: item.height,
      alt: item.alt,
    }),
  )
  const caption = [item.caption, item.credit].filter(Boolean).join(" ")
  figure.append(element("figcaption", { text: caption || item.title }))
  if (item.needs_alt) {
    figure.append(element("p", { class: "library-image-warning", text: "这张图片还没有替代文本" }))
  }
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function resultButton(item, choose) {
  const button = element(
    "button",
    { type: "button", class: "library-image-result", "data-image-id": item.id },
    element("img", { src: item.preview, width: item.width, height: item.height, alt: "" }),
    element("span", { text: item.title }),
  )
  button.addEventListener("click", () => choose(item))
  return button
}

function openDialog(editor, options) {
  const results = element("div", { class: "library-image-results", role: "list" })
  const status = element("p", { class: "library-image-status", role: "status" })
  const search = element("input", {
    type: "search",
    id: "library-image-search",
    placeholder: "标题、说明、摄影者或标签",
  })
  const more = element("button", { type: "button", class: "button", hidden: "" }, "加载更多")
  const close = element("button", { type: "button", class: "button" }, "取消")
  const uploadForm = element(
    "form",
    { class: "library-image-upload" },
    element("label", { for: "library-image-file", text: "图片文件" }),
    element("input", { type: "file", id: "library-image-file", name: "file", accept: "image/*", required: "" }),
    element("label", { for: "library-image-alt", text: "替代文本（为看不到图片的读者描述图片）" }),
    element("input", { type: "text", id: "library-image-alt", name: "alt_text", maxlength: "300" }),
    element(
      "label",
      { class: "library-image-check" },
      element("input", { type: "checkbox", name: "decorative", value: "on" }),
      "装饰性图片（不需要替代文本）",
    ),
    element("label", { for: "library-image-caption", text: "图片说明" }),
    element("textarea", { id: "library-image-caption", name: "caption", rows: "2" }),
    element("label", { for: "library-image-credit", text: "摄影" }),
    element("input", { type: "text", id: "library-image-credit", name: "credit", maxlength: "100" }),
    element("label", { for: "library-image-title", text: "标题（留空则用文件名）" }),
    element("input", { type: "text", id: "library-image-title", name: "title", maxlength: "200" }),
    element("ul", { class: "errorlist", hidden: "" }),
    element("button", { type: "submit", class: "button default" }, "上传并插入"),
  )
  const dialog = element(
    "dialog",
    { class: "library-image-dialog", "aria-labelledby": "library-image-heading" },
    element("h2", { id: "library-image-heading", text: "插入图片" }),
    element("label", { for: "library-image-search", text: "在图片库中搜索" }),
    search,
    status,
    results,
    more,
    element("details", {}, element("summary", { text: "上传新图片" }), uploadForm),
    element("div", { class: "library-image-actions" }, close),
  )
  document.body.append(dialog)

  const choose = (item) => {
    previews.set(String(item.id), Promise.resolve(item))
    editor.chain().focus().insertLibraryImage(item.id).run()
    dialog.close()
  }
  let page = 1
  let query = ""
  const load = async (reset) => {
    if (reset) {
      page = 1
      results.replaceChildren()
    }
    status.textContent = "正在载入…"
    const url = `${options.pickerUrl}?q=${encodeURIComponent(query)}&page=${page}`
    try {
      const response = await fetch(url, { credentials: "same-origin" })
      const data = await response.json()
      for (const item of data.results) {
        results.append(element("div", { role: "listitem" }, resultButton(item, choose)))
      }
      more.hidden = !data.has_more
      status.textContent = results.childElementCount ? "" : "没有找到图片。"
    } catch {
      status.textContent = "图片库暂时无法打开，请稍后再试。"
    }
  }
  let typing = null
  search.addEventListener("input", () => {
    clearTimeout(typing)
    typing = setTimeout(() => {
      query = search.value.trim()
      load(true)
    }, 250)
  })
  more.addEventListener("click", () => {
    page += 1
    load(false)
  })
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault()
    const errors = uploadForm.querySelector(".errorlist")
    const submit = uploadForm.querySelector("button[type=submit]")
    submit.disabled = true
    errors.hidden = true
    try {
      const response = await fetch(options.uploadUrl, {
        method: "POST",
        body: new FormData(uploadForm),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      })
      const data = await response.json()
      if (response.ok) {
        choose(data.result)
        return
      }
      errors.replaceChildren(
        ...Object.values(data.errors || {})
          .flat()
          .map((message) => element("li", { text: message })),
      )
      errors.hidden = false
    } catch {
      errors.replaceChildren(element("li", { text: "上传失败，请检查网络后重试。" }))
      errors.hidden = false
    } finally {
      submit.disabled = false
    }
  })
  dialog.showModal()
  search.focus()
  load(true)
}

export const LibraryImage = Node.create({
  name: "libraryImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { pickerUrl: "", uploadUrl: "" }
  },

  addAttributes() {
    return {
      image: {
        default: null,
        parseHTML: (node) => node.getAttribute("data-image"),
        renderHTML: (attributes) => ({ "data-image": attributes.image }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = element("figure", { class: "library-image", "data-image": node.attrs.image })
      dom.append(element("p", { class: "library-image-status", text: "图片载入中…" }))
      describe(this.options.pickerUrl, String(node.attrs.image)).then((item) => fillPreview(dom, item))
      return { dom }
    }
  },

  addCommands() {
    return {
      insertLibraryImage:
        (id) =>
        ({ state, commands }) => {
          const picture = { type: this.name, attrs: { image: String(id) } }
          // With a picture selected, the new one goes after it, not over it.
          if (state.selection.node) return commands.insertContentAt(state.selection.to, picture)
          return commands.insertContent(picture)
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("image", "插入图片"),
      command: (editor) => openDialog(editor, this.options),
    })
  },
})
