// The review desk's only script: drag and drop onto the upload form, and its waiting state while the files are
// read. The form works without it.
(function () {
  "use strict";
  function names(files) {
    return Array.prototype.map.call(files, function (f) { return f.name; }).join(", ");
  }
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-dropzone-list]");
    function show() { list.textContent = input.files.length ? "Chosen: " + names(input.files) : ""; }
    input.addEventListener("change", show);
    zone.addEventListener("submit", function () {  // the waiting state: the page answers when all are read
      if (!input.files.length) { return; }
      zone.setAttribute("aria-busy", "true");
      list.textContent = "Uploading " + names(input.files) + " ... then the desk shows how the reading goes " +
        "(a scanned report takes up to a minute).";
    });
    ["dragenter", "dragover"].forEach(function (kind) {
      zone.addEventListener(kind, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (kind) {
      zone.addEventListener(kind, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  });
}());
