// Suggest existing tags for the word being typed in a taggit input.
// Separators match the server's parser: , ， 、 ; ；
(function () {
  "use strict";
  const SEPARATORS = /[,，、;；]/;

  function currentWord(value) {
    const parts = value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  function enhance(input) {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    const list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let lastQuery = null;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const word = currentWord(input.value);
        if (!word || word === lastQuery) return;
        lastQuery = word;
        const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(word);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const data = await response.json();
        // Each option is the whole input value with the current word completed,
        // so choosing one keeps the tags typed before it.
        const head = input.value.slice(0, input.value.length - currentWord(input.value).length);
        list.replaceChildren(
          ...data.results.map(function (name) {
            const option = document.createElement("option");
            option.value = head + name;
            option.label = name;
            return option;
          })
        );
      }, 150);
    });
  }

  function init() {
    document.querySelectorAll("input.tag-autocomplete").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
