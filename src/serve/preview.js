// bindery serve: shows the chosen edition, reloads when a build finishes.
(function () {
  "use strict";
  var generation = document.body.dataset.generation;
  var view = document.getElementById("view");
  var scrollKey = "bindery-scroll";
  var lastEpub = null;

  // The document in the frame (links followed inside it change it).
  function shown() {
    try { return view.contentWindow.location.pathname; } catch (e) { return ""; }
  }

  // The location hash says what is shown: #epub/<entry> or #pdf.
  function show() {
    var hash = decodeURIComponent(location.hash.slice(1));
    var pdf = hash === "pdf";
    var src = pdf ? "/book.pdf"
      : hash.indexOf("epub/") === 0 && hash.length > 5 ? "/" + hash
      : "/epub/" + view.dataset.first;
    if (!pdf) lastEpub = src.slice(1);
    if (view.getAttribute("src") !== src && shown() !== src) view.setAttribute("src", src);
    document.getElementById("show-pdf").classList.toggle("on", pdf);
    document.getElementById("show-epub").classList.toggle("on", !pdf);
    var links = document.querySelectorAll("nav.contents a");
    for (var i = 0; i < links.length; i++) {
      var here = !pdf && links[i].getAttribute("href") === "#epub/" + src.slice(6);
      if (here) links[i].setAttribute("aria-current", "page");
      else links[i].removeAttribute("aria-current");
    }
  }

  function remember() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify(
        { src: shown(), y: view.contentWindow.scrollY }));
    } catch (e) { /* a PDF view has no scroll position to keep */ }
  }

  if (view) {
    document.getElementById("show-epub").addEventListener("click", function (e) {
      e.preventDefault();
      location.hash = lastEpub || "epub/" + view.dataset.first;
    });
    window.addEventListener("hashchange", show);
    view.addEventListener("load", function () {
      var doc = shown();
      // Links followed inside the chapter are kept in the hash.
      if (doc.indexOf("/epub/") === 0 && location.hash !== "#" + doc.slice(1)) {
        history.replaceState(null, "", "#" + doc.slice(1));
        show();
      }
      var saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
      sessionStorage.removeItem(scrollKey);
      if (saved && saved.src === doc) view.contentWindow.scrollTo(0, saved.y);
    });
    show();
  }

  // After a build step: the document in the frame is reloaded when its
  // edition changed, or the whole page when what surrounds the book
  // (title, contents, errors) changed.
  var data = document.body.dataset;
  var built = { epub: data.epub, pdf: data.pdf };
  var events = new EventSource("/events");
  events.onmessage = function (e) {
    var build = JSON.parse(e.data);
    if (String(build.generation) === generation) return;
    generation = String(build.generation);
    if (view && build.frame === data.frame) {
      document.getElementById("status").textContent = build.status;
      var edition = location.hash === "#pdf" ? "pdf" : "epub";
      var changed = String(build[edition]) !== built[edition];
      built = { epub: String(build.epub), pdf: String(build.pdf) };
      if (changed) {
        remember();
        view.contentWindow.location.reload();
      }
      return;
    }
    events.close();
    if (view) remember();
    location.reload();
  };
})();
