// The admin fills a slug from its title with Django's URLify, whose tables miss
// most Vietnamese letters ("Tổ giúp việc" became "t-giup-vic") and write "đ" as
// "dj". Fold the diacritics first, as council.shared.text.vietnamese_slug does on the
// server: "Tổ giúp việc Hội đồng" -> "to-giup-viec-hoi-dong".
(() => {
  const urlify = window.URLify;
  if (!urlify) return; // a page without prepopulated fields
  const fold = (text) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D");
  window.URLify = (text, maxLength, allowUnicode) =>
    urlify(allowUnicode ? text : fold(text), maxLength, allowUnicode);
})();
