import { CircleCheck, CircleX, ExternalLink, Info } from "lucide-react";
import Markdown from "react-markdown";
import type { Visible, VisibleFact } from "../../backend";

const TONE_ICON = { good: CircleCheck, bad: CircleX, neutral: Info } as const;
const TONE_WORD = { good: "ok", bad: "problem", neutral: "" } as const;

function Fact({ fact }: { fact: VisibleFact }) {
  const tone = fact.tone === "good" || fact.tone === "bad" ? fact.tone : "neutral";
  const Icon = TONE_ICON[tone];
  return (
    <div className={`visible__fact visible__fact--${tone}`} data-fact={fact.label}>
      <span className="visible__label">
        <Icon size="1em" aria-hidden /> {fact.label}
        {TONE_WORD[tone] && <span className="visually-hidden"> ({TONE_WORD[tone]})</span>}
      </span>
      <span className="visible__value">{fact.value}</span>
    </div>
  );
}

/** A horizontal bar per label, its value written beside it (so the chart reads without colour). */
function Bars({ bars }: { bars: [string, number][] }) {
  const max = Math.max(...bars.map(([, v]) => v), 1);
  return (
    <ul className="visible__bars" aria-label="Chart">
      {bars.map(([label, value]) => (
        <li key={label}>
          <span className="visible__bar-label mono">{label}</span>
          <span className="visible__bar-track">
            <span className="visible__bar" style={{ width: `${String((value / max) * 100)}%` }} />
          </span>
          <span className="visible__bar-value">{value}</span>
        </li>
      ))}
    </ul>
  );
}

/** What a demo step showed: a headline, facts (with an icon and a word, not colour alone), a
 * table, text or a slide (Markdown rendered as elements, never as HTML), or the page it opened. */
export function VisibleResult({ visible }: { visible: Visible }) {
  return (
    <div className="visible" data-visible>
      {visible.headline && <p className="visible__headline">{visible.headline}</p>}
      {visible.url && (
        <p className="visible__url">
          <ExternalLink size="1em" aria-hidden /> <span className="mono">{visible.url}</span>
        </p>
      )}
      {visible.facts.length > 0 && (
        <div className="visible__facts">
          {visible.facts.map((f, i) => (
            <Fact key={`${f.label}-${String(i)}`} fact={f} />
          ))}
        </div>
      )}
      {visible.bars.length > 0 && <Bars bars={visible.bars} />}
      {visible.markdown && (
        <div className="visible__markdown">
          <Markdown skipHtml>{visible.markdown}</Markdown>
        </div>
      )}
      {visible.table && visible.table.rows.length > 0 && (
        <table className="visible__table">
          <thead>
            <tr>
              {visible.table.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.table.rows.map((row, i) => (
              <tr key={String(i)}>
                {row.map((cell, j) => (
                  <td key={String(j)}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
