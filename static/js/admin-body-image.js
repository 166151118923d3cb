// The editor's "Browse..." window (ArticleAdmin.body_image_view): once the image is
// uploaded, hand its URL, description and caption to the editor that opened this
// window (django-prose-editor's Figure picker answers CKEditor's callFunction), then close.
(() => {
  const stored = document.getElementById("body-image-stored");
  const tools = window.opener?.CKEDITOR?.tools;
  if (!stored?.dataset.funcNum || typeof tools?.callFunction !== "function") return; // the page shows the URL to copy
  tools.callFunction(Number(stored.dataset.funcNum), stored.dataset.url, {
    alternative_text: stored.dataset.alt,
    caption: stored.dataset.caption,
  });
  window.close();
})();
