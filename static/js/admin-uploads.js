// Checks a chosen file against the limits stated beside its field (data-max-bytes,
// data-max-pixels) before anything is uploaded: a 30 MB photo is refused at once,
// not after a long upload. The messages come from the page (data-too-large, ...),
// translated on the server; the server checks everything again.
(() => {
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));

  const megabytes = (bytes) =>
    `${(bytes / (1024 * 1024)).toLocaleString("vi-VN", { maximumFractionDigits: 1 })} MB`;

  // createImageBitmap reads the file itself: no blob: URL, which the CSP's img-src refuses.
  const pixelsOf = async (file) => {
    try {
      const bitmap = await createImageBitmap(file);
      const pixels = bitmap.width * bitmap.height;
      bitmap.close();
      return pixels;
    } catch {
      return null;
    }
  };

  const problemWith = async (input, file) => {
    const maxBytes = Number(input.dataset.maxBytes);
    if (maxBytes && file.size > maxBytes) {
      return fill(input.dataset.tooLarge, { name: file.name, size: megabytes(file.size) });
    }
    const maxPixels = Number(input.dataset.maxPixels);
    if (maxPixels) {
      const pixels = await pixelsOf(file);
      if (pixels === null) return fill(input.dataset.notImage, { name: file.name });
      if (pixels > maxPixels) {
        return fill(input.dataset.tooManyPixels, {
          name: file.name,
          pixels: (pixels / 1e6).toLocaleString("vi-VN", { maximumFractionDigits: 1 }),
        });
      }
    }
    return null;
  };

  // A file kept across a form error: the browser's own "no file chosen" beside the note
  // would contradict it, so that text is hidden until another file is chosen.
  const markKept = () => {
    for (const note of document.querySelectorAll(".kept-upload")) {
      const input = note.parentElement?.querySelector('input[type="file"]');
      if (input && !input.files.length) input.classList.add("upload-kept");
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markKept);
  else markKept();

  document.addEventListener("change", async (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file") input.classList.remove("upload-kept");
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
    const box = document.getElementById(`${input.id}_upload_error`);
    const problems = (await Promise.all([...input.files].map((file) => problemWith(input, file)))).filter(
      Boolean,
    );
    if (problems.length) input.value = ""; // nothing too large is sent
    if (box) {
      box.textContent = problems.join(" ");
      box.hidden = problems.length === 0;
    }
  });
})();
