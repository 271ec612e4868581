// bindery serve: shows the chosen edition, reloads when a build finishes.
(function () {
  "use strict";
  var generation = document.body.dataset.generation;
  var view = document.getElementById("view");
  var scrollKey = "bindery-scroll";

  // The location hash says what is shown: #epub/<entry> or #pdf.
  function show() {
    var hash = decodeURIComponent(location.hash.slice(1));
    var pdf = hash === "pdf";
    var src = pdf ? "/book.pdf"
      : hash.indexOf("epub/") === 0 && hash.length > 5 ? "/" + hash
      : "/epub/" + view.dataset.first;
    if (view.getAttribute("src") !== src) view.setAttribute("src", src);
    document.getElementById("show-pdf").classList.toggle("on", pdf);
    document.getElementById("show-epub").classList.toggle("on", !pdf);
  }

  function remember() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify(
        { src: view.getAttribute("src"), y: view.contentWindow.scrollY }));
    } catch (e) { /* a PDF view has no scroll position to keep */ }
  }

  if (view) {
    document.getElementById("show-epub").addEventListener("click", function (e) {
      e.preventDefault();
      location.hash = "epub/" + view.dataset.first;
    });
    window.addEventListener("hashchange", show);
    view.addEventListener("load", function () {
      var doc;
      try { doc = view.contentWindow.location.pathname; } catch (e) { return; }
      // Links followed inside the chapter are kept in the hash.
      if (doc.indexOf("/epub/") === 0) history.replaceState(null, "", "#" + doc.slice(1));
      var saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
      sessionStorage.removeItem(scrollKey);
      if (saved && saved.src === view.getAttribute("src")) view.contentWindow.scrollTo(0, saved.y);
    });
    show();
  }

  var events = new EventSource("/events");
  events.onmessage = function (e) {
    if (e.data === generation) return;
    events.close();
    if (view) remember();
    location.reload();
  };
})();
