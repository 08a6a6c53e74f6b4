/* A little JavaScript, ES3/ES5 only (old browsers on 信创 PCs and the one inside WPS). */
function confirmSubmit(form, text) {
  return window.confirm(text);
}
function uploading(form) {
  var buttons = form.getElementsByTagName("button");
  for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; buttons[i].innerHTML = "正在检查，请稍候……"; }
  return true;
}
function watchJob() {
  var el = document.getElementById("status");
  if (!el) { return; }
  var names = { queued: "排队中", running: "进行中", done: "已完成", failed: "失败" };
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", el.getAttribute("data-url") + "?t=" + new Date().getTime(), true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status !== 200) { window.setTimeout(poll, 3000); return; }
      var s = JSON.parse(xhr.responseText);
      el.innerHTML = "";
      el.appendChild(document.createTextNode((names[s.status] || s.status) + "：" + s.done + " / " + s.total + "。" + s.message));
      el.setAttribute("data-state", s.status);
      var bar = document.getElementById("bar");
      if (bar && s.total) { bar.style.width = Math.round(100 * s.done / s.total) + "%"; }
      if (s.status === "done") {
        if (bar) { bar.style.width = "100%"; }
        document.getElementById("download").style.display = "";
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
