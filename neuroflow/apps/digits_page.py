"""The digit recognizer's one HTML page: five boxes, three buttons, inline JS (no CDN)."""

PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digit recognizer</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.4em; margin: 0 0 .3em; }
  p.help { margin: 0 0 1em; color: #555; }
  #boxes { display: flex; flex-wrap: wrap; gap: 12px; }
  .box { display: flex; flex-direction: column; align-items: center; gap: 6px; }
  canvas.draw { width: 160px; height: 160px; border: 2px solid #888; border-radius: 6px;
                background: #fff; touch-action: none; cursor: crosshair; }
  canvas.crop { width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid #ccc;
                visibility: hidden; }
  .shown canvas.crop { visibility: visible; }
  .result { font-size: 1.6em; font-weight: bold; min-height: 1.3em; }
  .result small { font-size: .5em; font-weight: normal; color: #666; }
  .buttons { margin: 1em 0; display: flex; gap: 8px; }
  button { font-size: 1em; padding: .5em 1em; }
  #answer { font-size: 1.3em; }
  #error { color: #b00; }
</style>
</head>
<body>
<h1>Write five digits</h1>
<p class="help">Draw one digit per box with the mouse or a finger, then press Recognize.
Keys: <b>e</b> erase, <b>s</b> show the 28x28 images the model sees, <b>r</b> recognize.</p>
<div id="boxes"></div>
<div class="buttons">
  <button id="erase" title="key e">Erase (e)</button>
  <button id="show" title="key s">Show 28x28 (s)</button>
  <button id="recognize" title="key r">Recognize (r)</button>
</div>
<div id="answer" data-digits=""></div>
<div id="error"></div>
<script>
"use strict";
const N = 5, SIZE = 200, PEN = SIZE / 12;
const boxes = [];
const root = document.getElementById("boxes");

function blank(ctx) { ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, SIZE, SIZE); }

for (let i = 0; i < N; i++) {
  const div = document.createElement("div");
  div.className = "box";
  const draw = document.createElement("canvas");
  draw.className = "draw"; draw.width = SIZE; draw.height = SIZE; draw.id = "box" + i;
  const crop = document.createElement("canvas");
  crop.className = "crop"; crop.width = 28; crop.height = 28;
  const result = document.createElement("div");
  result.className = "result"; result.id = "result" + i;
  div.append(draw, result, crop);
  root.append(div);
  const ctx = draw.getContext("2d");
  blank(ctx);
  const box = { div, draw, crop, result, ctx, drawing: false, used: false };
  boxes.push(box);

  const at = (e) => {
    const r = draw.getBoundingClientRect();
    return [(e.clientX - r.left) * SIZE / r.width, (e.clientY - r.top) * SIZE / r.height];
  };
  draw.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    draw.setPointerCapture(e.pointerId);
    box.drawing = true; box.used = true;
    const [x, y] = at(e);
    ctx.lineWidth = PEN; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x, y); ctx.stroke();
  });
  draw.addEventListener("pointermove", (e) => {
    if (!box.drawing) return;
    e.preventDefault();
    const [x, y] = at(e);
    ctx.lineTo(x, y); ctx.stroke();
  });
  const end = () => { box.drawing = false; };
  draw.addEventListener("pointerup", end);
  draw.addEventListener("pointercancel", end);
}

function pixels(box) {
  // one byte per pixel (the red channel: 255 paper, 0 ink), base64
  const data = box.ctx.getImageData(0, 0, SIZE, SIZE).data;
  const gray = new Uint8Array(SIZE * SIZE);
  for (let i = 0; i < gray.length; i++) gray[i] = data[4 * i];
  let text = "";
  for (let i = 0; i < gray.length; i += 8192) {
    text += String.fromCharCode.apply(null, gray.subarray(i, i + 8192));
  }
  return btoa(text);
}

async function post(url) {
  document.body.dataset.busy = "1";
  document.getElementById("error").textContent = "";
  try {
    const body = { boxes: boxes.map((b) => b.used ?
      { width: SIZE, height: SIZE, pixels: pixels(b) } : null) };
    const r = await fetch(url, { method: "POST", body: JSON.stringify(body),
                                 headers: { "Content-Type": "application/json" } });
    const answer = await r.json();
    if (!r.ok) throw new Error(answer.error || r.statusText);
    return answer.results;
  } catch (err) {
    document.getElementById("error").textContent = String(err.message || err);
    return null;
  } finally {
    delete document.body.dataset.busy;
  }
}

function showCrop(box, res) {
  const c = box.crop.getContext("2d");
  const img = c.createImageData(28, 28);
  if (res && res.crop) {
    const raw = atob(res.crop);
    for (let i = 0; i < 784; i++) {
      const v = 255 - raw.charCodeAt(i);   // drawn back as dark ink on paper
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
  } else {
    for (let i = 0; i < 784; i++) { img.data.fill(255, 4 * i, 4 * i + 4); }
  }
  c.putImageData(img, 0, 0);
}

async function recognize() {
  const results = await post("/api/recognize");
  if (!results) return;
  let digits = "";
  results.forEach((res, i) => {
    const b = boxes[i];
    showCrop(b, res);
    if (!res || res.empty) {
      b.result.innerHTML = "&ndash;";
      b.result.dataset.digit = "";
      digits += "_";
      return;
    }
    b.result.innerHTML = res.digit + " <small>" + (100 * res.probability).toFixed(1) + "%</small>";
    b.result.dataset.digit = String(res.digit);
    b.result.dataset.probability = String(res.probability);
    digits += String(res.digit);
  });
  const answer = document.getElementById("answer");
  answer.textContent = "Read: " + digits;
  answer.dataset.digits = digits;
}

async function show() {
  const results = await post("/api/preprocess");
  if (!results) return;
  results.forEach((res, i) => showCrop(boxes[i], res));
  const on = !boxes[0].div.classList.contains("shown");
  boxes.forEach((b) => b.div.classList.toggle("shown", on));
}

function erase() {
  for (const b of boxes) {
    blank(b.ctx); b.used = false; b.result.textContent = "";
    delete b.result.dataset.digit; delete b.result.dataset.probability;
    showCrop(b, null);
  }
  const answer = document.getElementById("answer");
  answer.textContent = ""; answer.dataset.digits = "";
}

document.getElementById("erase").addEventListener("click", erase);
document.getElementById("show").addEventListener("click", show);
document.getElementById("recognize").addEventListener("click", recognize);
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "e") erase();
  else if (e.key === "s") show();
  else if (e.key === "r") recognize();
});
document.body.dataset.ready = "1";
</script>
</body>
</html>
"""
