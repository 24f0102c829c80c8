"""`python -m evals.miss_kinds`: why a built-in answer misses the key fact or the gold citation.

Each missed answerable corpus question of the dev split is traced through the answer's stages and
put in the first stage that lost the gold:

- `retrieval`: no gold chunk among the search's hits (`RETRIEVE_K`), or only below the hits the
  passages are read from (`passages.CONSIDERED_HITS`): ranking, not answering;
- `not_read`: a gold hit among those read, but its § was not made a passage (it could not come near
  the best one, `passages._READ_FLOOR`);
- `not_chosen`: the gold § is a passage, but not among those the answer shows;
- `dropped_borderline`: chosen, then left out because the evidence is borderline
  (`evidence.shown_for_evidence`);
- `absatz_not_shown`: the gold § is shown, the key fact stands in another of its Absätze;
- `fact_not_in_gold`: the gold § is shown and none of its Absätze states the fact (the dataset);
- `abstained`: the answer abstained although a gold chunk was retrieved;
- `other`: anything else (a prose gold, a fact shown outside the gold citation).

Everything after `retrieval` is answer composition. With `--llm` the same questions are asked in LLM
mode against the scripted model (`evals.scripted_llm`); the stages are those of the passages the
model was given. Test questions are traced only with `--split test`, for the final audit.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from evals.gold import Question, load_questions
from knowledge.models import Hit

PROJECT = Path(__file__).resolve().parent.parent
STAGES = (
    "retrieval",
    "not_read",
    "not_chosen",
    "dropped_borderline",
    "absatz_not_shown",
    "fact_not_in_gold",
    "abstained",
    "other",
)


@dataclass(frozen=True)
class Trace:
    """Where the gold of one question stood at each stage of its answer."""

    answered: bool
    gold_ranks: tuple[int, ...]  # 1-based ranks of the gold chunks among the hits
    read_hits: int  # how many hits the passages are read from
    gold_passage: bool  # a gold § or section is among the ranked passages
    gold_chosen: bool  # … among those chosen
    gold_shown: bool  # … among those the answer shows
    fact_in_shown_gold: bool | None  # a shown gold passage states the fact (None: no facts)
    fact_in_gold_paragraph: bool | None  # the whole gold § states it (None: no facts)


def stage_of(trace: Trace) -> str:
    """The first stage of `STAGES` that lost the gold (see the module docstring)."""
    retrieved = any(rank <= trace.read_hits for rank in trace.gold_ranks)
    if not retrieved:
        return "retrieval"
    if not trace.answered:
        return "abstained"
    if not trace.gold_passage:
        return "not_read"
    if not trace.gold_chosen:
        return "not_chosen"
    if not trace.gold_shown:
        return "dropped_borderline"
    if trace.fact_in_shown_gold is False:
        return "absatz_not_shown" if trace.fact_in_gold_paragraph else "fact_not_in_gold"
    return "other"


def traces(questions: list[Question], data_dir: Path, *, llm: bool) -> Iterator[tuple[Question, str, Trace]]:
    """Each question that misses the key fact (under a gold citation) or the gold citation, with what
    its answer cites and its trace."""
    from assistant.answering.evidence import assess, shown_for_evidence
    from assistant.answering.passages import CONSIDERED_HITS, ranked_passages, select_passages
    from assistant.answering.terms import QuestionTerms
    from assistant.container import Container
    from assistant.gate import CaseDataGate
    from assistant.service import RETRIEVE_K
    from evals.answer_run import eval_settings
    from evals.answers import Places, score_answer
    from evals.facts import states_fact
    from evals.scripted_llm import MODEL, running_scripted_model
    from knowledge.settings import EmbedderMode

    with ExitStack() as stack:
        if llm:
            _model, url = stack.enter_context(running_scripted_model())
            settings = eval_settings(data_dir, EmbedderMode.HASHING, llm_base_url=url, llm_model=MODEL)
        else:
            settings = eval_settings(data_dir, EmbedderMode.HASHING)
        assistant = Container(settings, gate=CaseDataGate()).assistant
        stack.callback(assistant.close)
        index = assistant.index
        places = Places(index)
        for question in questions:
            answer = assistant.ask(question.question)
            scored = score_answer(places, question, answer)
            if scored.fact_stated_under_gold is not False and any(scored.gold_flags):
                continue
            hits = index.search(question.question, k=RETRIEVE_K)

            def gold(hit: Hit, question: Question = question) -> bool:
                chunk, source = hit.chunk, hit.document.source
                return question.is_gold(source, chunk.paragraph, chunk.section, chunk.chapter)

            ranked = ranked_passages(index, question.question, hits)
            chosen = select_passages(index, question.question, hits)
            terms = QuestionTerms.of(index, question.question)
            shown = shown_for_evidence(terms, chosen, assess(index, question.question, hits, chosen))
            shown_gold = [p for p in shown if gold(p.hit)]
            facts = question.facts
            whole = "\n".join(
                c.text
                for p in shown_gold
                for c in index.document_paragraph(p.hit.document.id, p.hit.chunk.paragraph or "")
            )
            trace = Trace(
                answered=scored.answered,
                gold_ranks=tuple(n for n, h in enumerate(hits, start=1) if gold(h)),
                read_hits=CONSIDERED_HITS,
                gold_passage=any(gold(p.hit) for p in ranked),
                gold_chosen=any(gold(p.hit) for p in chosen),
                gold_shown=bool(shown_gold),
                fact_in_shown_gold=any(states_fact(p.text, facts) for p in shown_gold) if facts else None,
                fact_in_gold_paragraph=states_fact(whole, facts) if facts else None,
            )
            yield question, "; ".join(c.label for c in answer.citations) or answer.status.value, trace


def main() -> None:
    parser = argparse.ArgumentParser(description="Verfehlte Fragen nach der Stufe, die das Gold verlor.")
    parser.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpus")
    parser.add_argument("--indexes", type=Path, help="Vorhandene Indizes (DIR/corpus) nutzen.")
    parser.add_argument("--llm", action="store_true", help="Im LLM-Modus gegen das Skript-Modell fragen.")
    parser.add_argument(
        "--split", choices=("dev", "test"), default="dev", help="test nur zur Schlussprüfung."
    )
    parser.add_argument("--json", action="store_true", help="Eine JSON-Zeile je Frage.")
    args = parser.parse_args()
    from evals.calibrate_answers import _index

    questions = [q for q in load_questions("corpus_questions.jsonl") if q.split == args.split]
    if args.llm:
        questions = [q for q in questions if q.facts]
    with tempfile.TemporaryDirectory(prefix="jha-misses-") as tmp:
        root = args.indexes or Path(tmp)
        folders = [args.corpus / "press", args.corpus / "laws", args.corpus / "bylaws"]
        _index(root, "corpus", folders).close()
        counts: Counter[str] = Counter()
        for question, cited, trace in traces(questions, root / "corpus", llm=args.llm):
            stage = stage_of(trace)
            counts[stage] += 1
            if args.json:
                print(json.dumps({"id": question.id, "stage": stage, **trace.__dict__}, ensure_ascii=False))
            else:
                print(f"{question.id} {stage:18} gold@{list(trace.gold_ranks)} | {question.question[:70]}")
                print(f"    zitiert: {cited[:110]}")
    summary = ", ".join(f"{stage} {counts[stage]}" for stage in STAGES if counts[stage])
    print(f"{args.split}: {len(questions)} Fragen, verfehlt: {summary or 'keine'}")


if __name__ == "__main__":
    main()
