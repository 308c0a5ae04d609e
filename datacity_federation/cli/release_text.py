"""Words of the release summary, per language (numbers stay in the core, words live here).

English, French, Spanish and Catalan are complete; any other language falls back to English for
the sentences, while theme, phase and outcome names use the vocabulary's own labels.
"""

from __future__ import annotations

from datacity_federation.domain.vocab import (
    OUTCOME_LABELS,
    PHASE_LABELS,
    THEME_LABELS,
    label,
)
from datacity_federation.privacy.tables import Release

__all__ = ["summary_lines"]

# fmt: off
TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Release of {city}, season {season} (rules: {profile} v{version})",
              "fr": "Publication de {city}, saison {season} (règles : {profile} v{version})",
              "es": "Publicación de {city}, temporada {season} (reglas: {profile} v{version})",
              "ca": "Publicació de {city}, temporada {season} (regles: {profile} v{version})"},
    "counts": {"en": "{published} cells published, {suppressed} suppressed",
               "fr": "{published} cellules publiées, {suppressed} masquées",
               "es": "{published} celdas publicadas, {suppressed} suprimidas",
               "ca": "{published} cel·les publicades, {suppressed} suprimides"},
    "none": {"en": "Nothing suppressed.", "fr": "Rien n'est masqué.", "es": "Nada suprimido.",
             "ca": "No s'ha suprimit res."},
    "too_few": {"en": "fewer than {n} distinct contributors", "fr": "moins de {n} contributeurs distincts",
                "es": "menos de {n} contribuyentes distintos", "ca": "menys de {n} contribuents diferents"},
    "too_few_contributors": {"en": "fewer than {m} contributors to the amount",
                             "fr": "moins de {m} contributeurs au montant",
                             "es": "menos de {m} contribuyentes al importe",
                             "ca": "menys de {m} contribuents a l'import"},
    "dominance_one": {"en": "one contributor gives more than {d1}% of the amount",
                      "fr": "un contributeur apporte plus de {d1} % du montant",
                      "es": "un contribuyente aporta más del {d1} % del importe",
                      "ca": "un contribuent aporta més del {d1} % de l'import"},
    "dominance_two": {"en": "two contributors give more than {d2}% of the amount",
                      "fr": "deux contributeurs apportent plus de {d2} % du montant",
                      "es": "dos contribuyentes aportan más del {d2} % del importe",
                      "ca": "dos contribuents aporten més del {d2} % de l'import"},
    "p_percent": {"en": "the others could estimate the largest contribution within {p}%",
                  "fr": "les autres pourraient estimer la plus grande contribution à {p} % près",
                  "es": "los demás podrían estimar la mayor contribución con un margen de {p} %",
                  "ca": "els altres podrien estimar la contribució més gran amb un marge del {p} %"},
    "kpi_too_few": {"en": "a mean needs at least {k} pilots", "fr": "une moyenne exige au moins {k} expérimentations",
                    "es": "una media exige al menos {k} pilotos", "ca": "una mitjana exigeix almenys {k} pilots"},
    "kpi_equal": {"en": "all values are equal (the mean would disclose each one)",
                  "fr": "toutes les valeurs sont égales (la moyenne révélerait chacune)",
                  "es": "todos los valores son iguales (la media revelaría cada uno)",
                  "ca": "tots els valors són iguals (la mitjana revelaria cadascun)"},
    "homogeneity": {"en": "one outcome holds more than {h}% of the pilots",
                    "fr": "un résultat concerne plus de {h} % des expérimentations",
                    "es": "un resultado reúne más del {h} % de los pilotos",
                    "ca": "un resultat reuneix més del {h} % dels pilots"},
    "secondary": {"en": "hidden too, so that {other} cannot be worked out by subtraction",
                  "fr": "masquée aussi, pour que {other} ne puisse pas être déduite par soustraction",
                  "es": "suprimida también, para que {other} no pueda deducirse por resta",
                  "ca": "suprimida també, perquè {other} no es pugui deduir per resta"},
    "held": {"en": "kept at its previous value: the change alone would identify a few contributors",
             "fr": "garde sa valeur précédente : la variation seule identifierait quelques contributeurs",
             "es": "mantiene su valor anterior: el cambio por sí solo identificaría a pocos contribuyentes",
             "ca": "manté el valor anterior: el canvi per si sol identificaria pocs contribuents"},
    "all": {"en": "all themes", "fr": "tous thèmes", "es": "todos los temas", "ca": "tots els temes"},
}
# fmt: on


def _t(code: str, lang: str) -> str:
    table = TEXT[code]
    base = lang.split("-")[0]
    return table.get(lang) or table.get(base) or table["en"]


def _where(key: tuple[str, str, str], lang: str) -> str:
    metric, theme, dim = key
    theme_text = _t("all", lang) if theme == "all" else label(THEME_LABELS, theme, lang)
    dim_text = ""
    if dim:
        table = OUTCOME_LABELS if metric == "pilot_outcomes" else PHASE_LABELS
        dim_text = f" / {label(table, dim, lang)}"
    return f"{metric} [{theme_text}{dim_text}]"


def summary_lines(release: Release, *, city_name: str, lang: str) -> list[str]:
    """The summary a programme director reads: counts, then each suppression and why."""
    p = release.profile
    hidden = [c for c in release.cells if c.status != "F"]
    lines = [
        _t("title", lang).format(
            city=city_name, season=release.facts.season, profile=p.name, version=p.version
        ),
        _t("counts", lang).format(
            published=len(release.cells) - len(hidden), suppressed=len(hidden)
        ),
    ]
    if not release.suppressions:
        lines.append(_t("none", lang))
    values = {
        "n": p.min_count,
        "m": p.min_money_contributors,
        "d1": p.dominance_one,
        "d2": p.dominance_two,
        "p": p.p_percent,
        "k": p.min_kpi_pilots,
        "h": p.homogeneity,
    }
    for s in release.suppressions:
        why = _t(s.reason, lang).format(
            other=_where(s.protects, lang) if s.protects else "", **values
        )
        lines.append(f"  {s.status.value}  {_where(s.key, lang)}: {why}")
    return lines
