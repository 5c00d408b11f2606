/* Copy buttons for citations (overrides/partials/cite-this-page.html documents the selectors).
 * button.cite-copy copies its data-cite-text, or else the text of the element whose id is in
 * data-cite-target. Uses the Clipboard API; without it (plain http), selects the text so that
 * Ctrl+C / Cmd+C copies it, and says so in the #cite-status live region. Local file, no CDN. */
(function () {
  "use strict";

  function citationOf(button) {
    if (button.dataset.citeText) return { text: button.dataset.citeText, element: null };
    var element = document.getElementById(button.dataset.citeTarget || "");
    if (!element) return { text: "", element: null };
    var text = element.tagName === "PRE" ? element.textContent.trim() : element.textContent.replace(/\s+/g, " ").trim();
    return { text: text, element: element };
  }

  function announce(button, message, copied) {
    var status = document.getElementById("cite-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
    if (copied) {
      button.classList.add("cite-copy--done");
      window.setTimeout(function () { button.classList.remove("cite-copy--done"); }, 2000);
    }
  }

  function selectForManualCopy(button, citation) {
    if (!citation.element) {
      window.prompt("Copy this citation:", citation.text);
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(citation.element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    announce(button, "Copying is blocked here: the citation is selected, press Ctrl+C or Cmd+C.", false);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.cite-copy") : null;
    if (!button) return;
    var citation = citationOf(button);
    if (!citation.text) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(citation.text).then(
        function () { announce(button, "Citation copied to the clipboard.", true); },
        function () { selectForManualCopy(button, citation); }
      );
    } else {
      selectForManualCopy(button, citation);
    }
  });
})();
