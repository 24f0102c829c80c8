/* Small enhancements for every page. Everything works without them. */
(function () {
  "use strict";
  // A citation marker [n] jumps to its source; moving the focus there lets keyboard and screen-reader
  // users continue reading the source instead of starting over at the top of the answer.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cite");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    document.querySelectorAll(".source.is-active").forEach(function (node) { node.classList.remove("is-active"); });
    target.classList.add("is-active");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  });
})();
