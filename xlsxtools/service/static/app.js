/* A little JavaScript, ES3/ES5 only (old browsers on 信创 PCs and the one inside WPS).
   No inline scripts or handlers in the pages (the Content-Security-Policy forbids them): the
   behaviour is attached here, from data- attributes. */
(function () {
  function onSubmit(form, handler) {
    if (form.addEventListener) { form.addEventListener("submit", handler, false); }
    else { form.attachEvent("onsubmit", handler); }
  }
  function stop(e) {
    if (e.preventDefault) { e.preventDefault(); } else { e.returnValue = false; }
    return false;
  }
  function wireForms() {
    var forms = document.getElementsByTagName("form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        var question = form.getAttribute("data-confirm");
        var busy = form.getAttribute("data-busy");
        if (question) {
          onSubmit(form, function (e) { if (!window.confirm(question)) { return stop(e || window.event); } return true; });
        }
        if (busy) {
          onSubmit(form, function () {
            var buttons = form.getElementsByTagName("button");
            for (var j = 0; j < buttons.length; j++) {
              buttons[j].innerHTML = "";
              buttons[j].appendChild(document.createTextNode(busy));
              buttons[j].disabled = true;
            }
            return true;
          });
        }
      })(forms[i]);
    }
  }
  function text(el, value) {
    el.innerHTML = "";
    el.appendChild(document.createTextNode(value));
  }
  function watchJob() {
    var el = document.getElementById("status");
    var bar = document.getElementById("bar");
    if (bar) { bar.style.width = bar.getAttribute("data-percent") + "%"; }
    if (!el) { return; }
    var names = { queued: "排队中", running: "进行中", done: "已完成", failed: "失败" };
    function poll() {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", el.getAttribute("data-url") + "?t=" + new Date().getTime(), true);
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) { return; }
        if (xhr.status !== 200) { window.setTimeout(poll, 3000); return; }
        var s = JSON.parse(xhr.responseText);
        text(el, (names[s.status] || s.status) + "：" + s.done + " / " + s.total + "。" + s.message);
        el.setAttribute("data-state", s.status);
        if (bar && s.total) { bar.style.width = Math.round(100 * s.done / s.total) + "%"; }
        if (s.status === "done") {
          if (bar) { bar.style.width = "100%"; }
          window.setTimeout(function () { window.location.reload(); }, 300);
        } else if (s.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      };
      xhr.send(null);
    }
    var state = el.getAttribute("data-state");
    if (state === "queued" || state === "running") { poll(); }
  }
  function start() { wireForms(); watchJob(); }
  if (document.addEventListener) { document.addEventListener("DOMContentLoaded", start, false); }
  else { window.attachEvent("onload", start); }
})();
