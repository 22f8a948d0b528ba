import "./SectionView.css";
import { Hammer } from "lucide-react";
import type { Section } from "../sections";

/** A section that is not built yet says so, and what it will do. No sample data. */
export function SectionView({ section }: { section: Section }) {
  const Icon = section.icon;
  return (
    <section className="section" aria-labelledby="section-title" data-section={section.id}>
      <header className="section__header">
        <Icon size={22} aria-hidden />
        <h1 id="section-title">{section.title}</h1>
      </header>
      <div className="not-built">
        <Hammer size={20} aria-hidden />
        <div>
          <p className="not-built__title">This section is not built yet.</p>
          <p className="not-built__purpose">{section.purpose}</p>
        </div>
      </div>
    </section>
  );
}
