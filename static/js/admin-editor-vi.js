/* The rich-text editor's menu in the admin's language.
 *
 * django-prose-editor asks window.gettext for its dialogs, but writes the tooltips of
 * its menu buttons and the names in its drop-down menus in English. This script passes
 * them through the same gettext (the admin's JavaScript catalogue, which holds the
 * project's locale/vi/LC_MESSAGES/djangojs.po) whenever the editor builds or redraws
 * its menu. The icons are ligatures of their English names: their text is left alone.
 */
(function () {
  "use strict";
  const gettext = window.gettext;
  if (typeof gettext !== "function") {
    return;
  }
  const numbered = /^(heading) (\d)$/i;

  function translate(text) {
    const value = text.trim();
    const match = numbered.exec(value);
    if (match) {
      const pattern = gettext(match[1] + " %s");
      return pattern.indexOf("%s") === -1 ? value : pattern.replace("%s", match[2]);
    }
    return gettext(value);
  }

  function translateAttributes(element) {
    for (const name of ["title", "aria-label"]) {
      const value = element.getAttribute(name);
      if (value) {
        const translated = translate(value);
        if (translated !== value) {
          element.setAttribute(name, translated);
        }
      }
    }
  }

  function translateMenu(menu) {
    translateAttributes(menu);
    for (const element of menu.querySelectorAll("[title], [aria-label]")) {
      translateAttributes(element);
    }
    // Names in the drop-down menus ("Heading 2", "Paragraph"): leaves of text only.
    for (const element of menu.querySelectorAll("*")) {
      if (element.children.length || element.classList.contains("material-icons")) {
        continue;
      }
      const value = element.textContent;
      if (value && value.trim()) {
        const translated = translate(value);
        if (translated !== value.trim()) {
          element.textContent = translated;
        }
      }
    }
  }

  function translateAll() {
    for (const menu of document.querySelectorAll(".prose-menubar")) {
      translateMenu(menu);
    }
  }

  let pending = false;
  const observer = new MutationObserver(function () {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      observer.disconnect();
      translateAll();
      observe();
    });
  });

  function observe() {
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["title"],
    });
  }

  function start() {
    translateAll();
    observe();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
