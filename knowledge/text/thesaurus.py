"""A small curated thesaurus: the words colleagues use, mapped to the words the texts use.

Expansion is applied to queries only, so the index stays a faithful copy of the sources.
"""

from __future__ import annotations

import re

# key: everyday term (lower case, matched as a whole word); value: terms of the legal texts.
THESAURUS: dict[str, tuple[str, ...]] = {
    "kita": ("Tageseinrichtung", "Kindertageseinrichtung", "Förderung in Tageseinrichtungen"),
    "kitas": ("Tageseinrichtungen", "Kindertageseinrichtungen"),
    "kindergarten": ("Tageseinrichtung", "Kindertageseinrichtung"),
    "krippe": ("Tageseinrichtung", "Kinder unter drei Jahren"),
    "tagesmutter": ("Kindertagespflegeperson", "Kindertagespflege"),
    "tagesvater": ("Kindertagespflegeperson", "Kindertagespflege"),
    "tageseltern": ("Kindertagespflegeperson", "Kindertagespflege"),
    "heim": ("Einrichtung", "Heimerziehung", "sonstige betreute Wohnform"),
    "heimen": ("Einrichtungen", "Heimerziehung"),
    "heimkind": ("Heimerziehung", "Einrichtung"),
    "wg": ("betreute Wohnform", "Heimerziehung"),
    "uma": ("unbegleitete ausländische Minderjährige", "unbegleitet eingereist", "vorläufige Inobhutnahme"),
    "umf": ("unbegleitete ausländische Minderjährige", "unbegleitet eingereist"),
    "umas": ("unbegleitete ausländische Minderjährige",),
    "ise": ("intensive sozialpädagogische Einzelbetreuung",),
    "hze": ("Hilfe zur Erziehung",),
    "spfh": ("Sozialpädagogische Familienhilfe",),
    "jgh": ("Jugendgerichtshilfe", "Mitwirkung in Verfahren nach dem Jugendgerichtsgesetz"),
    "jugendgerichtshilfe": ("Mitwirkung in Verfahren nach dem Jugendgerichtsgesetz",),
    "kinderheim": ("Einrichtung", "Heimerziehung"),
    # Not "wohngruppe": "betreute Wohnform" pulled the Kostenbeitrag passages above the answer.
    "fremdunterbringung": ("Vollzeitpflege", "Heimerziehung", "außerhalb der eigenen Familie"),
    "sorgerecht": ("elterliche Sorge", "Personensorge"),
    "pflegegeld": ("Unterhalt des Kindes", "Vollzeitpflege"),
    "azubi": ("Auszubildende",),
    "azubis": ("Auszubildende",),
    "datenpanne": ("Verletzung des Schutzes von Sozialdaten",),
    "schulbegleitung": ("Eingliederungshilfe", "seelische Behinderung"),
    "schulbegleiter": ("Eingliederungshilfe", "seelische Behinderung"),
    "ief": ("insoweit erfahrene Fachkraft", "Gefährdungseinschätzung"),
    "insofa": ("insoweit erfahrene Fachkraft", "Gefährdungseinschätzung"),
    "asd": ("Allgemeiner Sozialer Dienst", "Jugendamt"),
    "kwg": ("Kindeswohlgefährdung", "Gefährdung des Wohls"),
    "kindeswohlgefährdung": ("Gefährdung des Wohls eines Kindes", "Schutzauftrag"),
    "inobhutnahme": ("Inobhutnahme", "in Obhut nehmen"),
    "obhut": ("Inobhutnahme",),
    "pflegefamilie": ("Vollzeitpflege", "Pflegeperson"),
    "pflegeeltern": ("Vollzeitpflege", "Pflegeperson"),
    "pflegekind": ("Vollzeitpflege", "Pflegeperson"),
    "freier träger": ("Träger der freien Jugendhilfe",),
    "kinderarbeit": ("Beschäftigung von Kindern", "Jugendarbeitsschutz"),
    "ferienjob": ("Beschäftigung", "Schulferien", "Jugendliche"),
    "alkohol": ("alkoholische Getränke", "Branntwein"),
    "rauchen": ("Tabakwaren", "Rauchen in der Öffentlichkeit"),
    "zigaretten": ("Tabakwaren",),
    "disco": ("Tanzveranstaltung",),
    "kneipe": ("Gaststätte",),
    "unterhaltsvorschuss": ("Unterhaltsvorschuss", "Unterhaltsleistung", "Unterhaltsvorschussgesetz"),
    "elterngeld": ("Elterngeld", "Bundeselterngeld"),
    "elternzeit": ("Elternzeit", "Anspruch auf Elternzeit"),
    "datenschutz": ("Sozialdaten", "Schutz von Sozialdaten", "Sozialgeheimnis"),
    "akteneinsicht": ("Akteneinsicht", "Einsicht in die Akten"),
    "hilfeplan": ("Hilfeplan", "Mitwirkung", "Hilfeplanung"),
    "hilfeplangespräch": ("Hilfeplan", "Mitwirkung"),
    "beistand": ("Beistandschaft",),
    "vormund": ("Vormundschaft", "Amtsvormundschaft"),
    "schulsozialarbeit": ("Schulsozialarbeit", "sozialpädagogische Angebote an Schulen"),
    "careleaver": ("junge Volljährige", "Nachbetreuung"),
    "care leaver": ("junge Volljährige", "Nachbetreuung"),
    # Not "volljährige" alone: an adult companion ("die volljährige Freundin") is no care leaver.
    "junge erwachsene": ("junge Volljährige",),
    "jungen erwachsenen": ("junge Volljährige",),
    "junger erwachsener": ("junge Volljährige",),
    "jha": ("Jugendhilfeausschuss",),
    "ombudsstelle": ("Ombudsstellen", "Beratung und Vermittlung bei Konflikten"),
    "lotse": ("Verfahrenslotse",),
    "kostenbeitrag": ("Kostenbeitrag", "Heranziehung zu den Kosten"),
    "betriebserlaubnis": ("Erlaubnis für den Betrieb einer Einrichtung",),
    "schutzkonzept": ("Konzept zum Schutz vor Gewalt", "Schutzkonzept"),
    "eingliederungshilfe": ("Eingliederungshilfe", "seelische Behinderung"),
    "frühe hilfen": ("Frühe Hilfen", "Netzwerke Kinderschutz"),
    "arzt": ("Berufsgeheimnisträger", "Ärztinnen oder Ärzte"),
    "ärztin": ("Berufsgeheimnisträger", "Ärztinnen oder Ärzte"),
    "lehrer": ("Lehrerinnen oder Lehrer", "Berufsgeheimnisträger"),
    "schweigepflicht": ("Berufsgeheimnisträger", "Befugnis zur Datenübermittlung"),
}

_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(key) for key in sorted(THESAURUS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def expand(query: str) -> str:
    """Append the legal terms for every everyday term found in the query."""
    additions: list[str] = []
    for match in _PATTERN.finditer(query):
        for term in THESAURUS[match.group(1).lower()]:
            if term.lower() not in query.lower() and term not in additions:
                additions.append(term)
    return query if not additions else f"{query} ({' '.join(additions)})"
