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

// What the user is told when listening fails, by the recogniser's error code.
const LISTEN_ERRORS = {
  "not-allowed": "麦克风被拒绝了：请在浏览器地址栏里允许使用麦克风，或者直接打字。",
  "service-not-allowed": "麦克风被拒绝了：请在浏览器地址栏里允许使用麦克风，或者直接打字。",
  "audio-capture": "没有找到麦克风，请检查设备，或者直接打字。",
  "no-speech": "没听到声音，请再点一次🎤说话，或者直接打字。",
  network: "语音识别需要联网，现在用不了，请直接打字。",
};
export const LISTEN_UNAVAILABLE = "这个浏览器不支持语音输入，请直接打字。";

/** Listens once in Chinese; calls onText with what was heard, onError with a message to show when it
 * fails (refused, no microphone, nothing heard), onEnd when done either way. */
export function listen(onText, onEnd, onError = () => {}) {
  if (!canListen) {
    onError(LISTEN_UNAVAILABLE);
    onEnd();
    return null;
  }
  const recognition = new Recognition();
  recognition.lang = "zh-CN";
  recognition.interimResults = false;
  recognition.onresult = (event) => onText(event.results[0][0].transcript);
  recognition.onend = onEnd;
  recognition.onerror = (event) => {
    onError(LISTEN_ERRORS[event.error] || "语音输入出错了，请直接打字。");
    onEnd();
  };
  try {
    recognition.start();
  } catch {
    onError("语音输入出错了，请直接打字。");
    onEnd();
  }
  return recognition;
}
