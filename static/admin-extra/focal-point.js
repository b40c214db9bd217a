// The focal point picker on the image form: a click on the picture sets the
// 焦点横坐标/焦点纵坐标 inputs (0–1); typing in them moves the marker. Without
// JavaScript the two inputs still work on their own.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll(".focal-point-picker")) {
    const img = picker.querySelector("img");
    const marker = picker.querySelector(".focal-point-marker");
    const inputX = document.getElementById(picker.dataset.xInput);
    const inputY = document.getElementById(picker.dataset.yInput);
    if (!img || !marker || !inputX || !inputY) continue;

    const clamp = (value) => Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0.5));
    const place = () => {
      // CSSOM property writes are allowed by the CSP; style attributes are not.
      marker.style.left = `${clamp(parseFloat(inputX.value)) * 100}%`;
      marker.style.top = `${clamp(parseFloat(inputY.value)) * 100}%`;
    };
    img.addEventListener("click", (event) => {
      const box = img.getBoundingClientRect();
      inputX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      inputY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      place();
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);
    place();
  }
});
