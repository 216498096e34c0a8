// Call mode for the rehearsal: the browser reads the agent's replies aloud and, where it can, listens.

const Recognition = typeof window !== "undefined" && (window.SpeechRecognition || window.webkitSpeechRecognition);

export const canSpeak = typeof window !== "undefined" && "speechSynthesis" in window;
export const canListen = Boolean(Recognition);

/** Why call mode is unavailable in this browser, or "" when it is available. */
export function unavailableReason() {
  if (!canSpeak) return "这个浏览器不支持语音朗读（speechSynthesis），通话模式用不了；可以换用新版 Chrome、Edge 或 Safari。";
  return "";
}

export function speak(text) {
  if (!canSpeak) return;
  const utterance = new SpeechSynthesisUtterance(text.replace(/[【】✔✘]/g, ""));
  utterance.lang = "zh-CN";
  window.speechSynthesis.speak(utterance);
}

export function stopSpeaking() {
  if (canSpeak) window.speechSynthesis.cancel();
}

/** Listens once in Chinese; calls onText with what was heard, onEnd when done either way. */
export function listen(onText, onEnd) {
  if (!canListen) return null;
  const recognition = new Recognition();
  recognition.lang = "zh-CN";
  recognition.interimResults = false;
  recognition.onresult = (event) => onText(event.results[0][0].transcript);
  recognition.onend = onEnd;
  recognition.onerror = onEnd;
  recognition.start();
  return recognition;
}
