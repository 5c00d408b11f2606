/* Search the review with Pagefind (https://pagefind.app/docs/api/): a static index in chunks, built
   after every build (scripts/livingreview/reader/search.py). A button in the header, or "/", opens a
   dialog. Nothing of the index is fetched until the reader types; then only pagefind.js, its
   WebAssembly and the chunks for the words typed. Stable selectors for tests:
     button.lr-search-open, dialog.lr-search, input.lr-search__input,
     [role=status].lr-search__status, ol.lr-search__results > li > a.lr-search__link */
(() => {
  const script = document.currentScript;
  if (!script) return;
  const bundle = new URL("../pagefind/", script.src); // this file is <site>/javascripts/search.js
  const siteRoot = new URL("../", bundle);
  const PAGE = 10; // results shown at a time
  const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M9.5 3A6.5 6.5 0 0 1 ' +
    "16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 " +
    '6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5Z"/></svg>';
  let pagefind = null; // the module, loaded at the first search
  let dialog, input, status, list, more, results = [], shown = 0, timer, asked = "";

  const load = () => (pagefind ??= import(new URL("pagefind.js", bundle).href).then(async (module) => {
    await module.options({ baseUrl: siteRoot.pathname, excerptLength: 24 });
    return module;
  }));

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  async function showMore() {
    const batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    for (const data of await Promise.all(batch.map((result) => result.data()))) {
      const item = element("li");
      const link = element("a", { class: "lr-search__link", href: data.url }, data.meta.title || data.url);
      const excerpt = element("p", { class: "lr-search__excerpt" });
      excerpt.innerHTML = data.excerpt; // Pagefind's own text, with <mark> around the words found
      item.append(link, excerpt);
      list.append(item);
    }
    more.hidden = shown >= results.length;
  }

  async function search(term) {
    asked = term;
    list.replaceChildren();
    more.hidden = true;
    if (!term.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    let found;
    try {
      found = await (await load()).search(term);
    } catch (error) {
      status.textContent = "Search is not available here (the index could not be loaded).";
      return;
    }
    if (term !== asked) return; // the reader typed on meanwhile
    results = found.results;
    shown = 0;
    const count = results.length;
    status.textContent = count ? `${count} page${count === 1 ? "" : "s"} found` : "No page found";
    await showMore();
  }

  function build() {
    dialog = element("dialog", { class: "lr-search", "aria-labelledby": "lr-search-title" });
    const title = element("h2", { id: "lr-search-title", class: "lr-search__title" }, "Search the review");
    input = element("input", { type: "search", class: "lr-search__input", placeholder: "Search",
                               "aria-label": "Search the review", autocomplete: "off", spellcheck: "false" });
    status = element("p", { class: "lr-search__status", role: "status", "aria-live": "polite" });
    list = element("ol", { class: "lr-search__results" });
    more = element("button", { type: "button", class: "lr-search__more md-button" }, "More results");
    more.hidden = true;
    const close = element("button", { type: "button", class: "lr-search__close md-button" }, "Close");
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search(input.value), 150);
    });
    more.addEventListener("click", showMore);
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    dialog.append(title, input, status, list, more, close);
    document.body.append(dialog);
  }

  function open() {
    if (!dialog) build();
    dialog.showModal();
    input.focus();
    input.select();
  }

  const button = element("button", { type: "button", class: "md-header__button md-icon lr-search-open",
                                     "aria-label": "Search the review", title: "Search (/)" });
  button.innerHTML = ICON;
  button.addEventListener("click", open);
  const header = document.querySelector(".md-header__inner");
  if (header) header.insertBefore(button, header.querySelector(".md-header__source"));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });
})();
