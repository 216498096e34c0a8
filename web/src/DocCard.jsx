// A document of the preparation pack (bot/prep.py): the sheet or a letter, laid out to be ticked,
// copied, downloaded or printed on A4 (the browser's print also saves a PDF). Nothing leaves the
// browser: the document is the bot's message, already here.
import { useRef, useState } from "react";
import Table from "./Table.jsx";
import { download } from "./transcript.js";

export default function DocCard({ doc, text }) {
  const card = useRef(null);
  const [copied, setCopied] = useState("");

  const print = () => {
    // Only this document is printed: a copy of it (ticks included) in a root of its own beside the chat,
    // the rest hidden by the print rules in style.css. Hiding the chat's scroll containers instead left
    // their height in the page, and printed blank pages before the document.
    const root = document.createElement("div");
    root.id = "print-root";
    root.appendChild(card.current.cloneNode(true));
    document.getElementById("print-root")?.remove();
    document.body.appendChild(root);
    document.body.classList.add("print-doc");
    const done = () => {
      document.body.classList.remove("print-doc");
      root.remove();
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("已复制，可以粘贴到备忘录或短信里。");
    } catch {
      setCopied("这个浏览器不让复制，请用“下载”保存。");
    }
  };

  return (
    <article className="doc" ref={card} data-testid="doc" aria-labelledby={`doc-${doc.kind}`}>
      {doc.note && (
        <p className="doc-note" role="note" data-testid="doc-note">
          {doc.note}
        </p>
      )}
      <h2 id={`doc-${doc.kind}`}>{doc.title}</h2>
      {doc.sections.map((section, i) => (
        <section key={i}>
          {section.heading && <h3>{section.heading}</h3>}
          {section.paragraphs.map((p, j) => (
            <p key={j}>{p}</p>
          ))}
          {section.checklist.length > 0 && (
            <ul className="doc-checklist">
              {section.checklist.map((item, j) => (
                <li key={j}>
                  <label>
                    <input type="checkbox" /> {item}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {section.table && <Table columns={section.table.columns} rows={section.table.rows} className="doc-table" />}
        </section>
      ))}
      {doc.sources.length > 0 && <p className="doc-sources">依据：{doc.sources.join("；")}</p>}
      <div className="doc-actions">
        <button type="button" onClick={print} data-testid="doc-print">
          打印 / 存为 PDF
        </button>
        <button type="button" onClick={copy} data-testid="doc-copy">
          复制
        </button>
        <button type="button" onClick={() => download(text, `${doc.title}.txt`)} data-testid="doc-download">
          下载
        </button>
      </div>
      {copied && (
        <p className="info" role="status">
          {copied}
        </p>
      )}
    </article>
  );
}
