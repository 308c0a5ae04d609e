"""Terminal output of ``datacity season status``, formatted with Babel for one locale."""

from __future__ import annotations

import typer

from datacity_federation.domain.vocab import label
from datacity_federation.services.records_views import FUNNEL, SeasonStatus

__all__ = ["print_status"]

# fmt: off
_WORDS: dict[str, dict[str, str]] = {
    "season": {"en": "season", "fr": "saison", "es": "temporada", "ca": "temporada", "ar": "الموسم",
               "hi": "सत्र", "kn": "ಋತು", "ms": "musim", "ta": "பருவம்", "zh": "季"},
    "phase": {"en": "phase", "fr": "phase", "es": "fase", "ca": "fase", "ar": "المرحلة", "hi": "चरण",
              "kn": "ಹಂತ", "ms": "fasa", "ta": "கட்டம்", "zh": "阶段"},
    "none": {"en": "no phase running", "fr": "aucune phase en cours", "es": "ninguna fase en curso",
             "ca": "cap fase en curs", "ar": "لا توجد مرحلة جارية", "hi": "कोई चरण नहीं चल रहा",
             "kn": "ಯಾವುದೇ ಹಂತ ನಡೆಯುತ್ತಿಲ್ಲ", "ms": "tiada fasa berjalan", "ta": "எந்தக் கட்டமும் இல்லை",
             "zh": "没有进行中的阶段"},
    "left": {"en": "{n} days left", "fr": "encore {n} jours", "es": "quedan {n} días",
             "ca": "queden {n} dies", "ar": "متبقٍ {n} يوم", "hi": "{n} दिन शेष", "kn": "{n} ದಿನಗಳು ಉಳಿದಿವೆ",
             "ms": "{n} hari lagi", "ta": "{n} நாட்கள் உள்ளன", "zh": "剩余 {n} 天"},
    "applications": {"en": "applications", "fr": "candidatures", "es": "candidaturas",
                     "ca": "candidatures", "ar": "الطلبات", "hi": "आवेदन", "kn": "ಅರ್ಜಿಗಳು",
                     "ms": "permohonan", "ta": "விண்ணப்பங்கள்", "zh": "申请"},
    "shortlisted": {"en": "shortlisted", "fr": "présélectionnées", "es": "preseleccionadas",
                    "ca": "preseleccionades", "ar": "في القائمة المختصرة", "hi": "संक्षिप्त सूची",
                    "kn": "ಕಿರುಪಟ್ಟಿ", "ms": "senarai pendek", "ta": "சுருக்கப்பட்டியல்", "zh": "入围"},
    "selected": {"en": "selected", "fr": "retenues", "es": "seleccionadas", "ca": "seleccionades",
                 "ar": "المختارة", "hi": "चयनित", "kn": "ಆಯ್ಕೆ", "ms": "dipilih", "ta": "தேர்வு",
                 "zh": "入选"},
    "pilots": {"en": "pilots", "fr": "expérimentations", "es": "pilotos", "ca": "pilots",
               "ar": "التجارب", "hi": "पायलट", "kn": "ಪ್ರಾಯೋಗಿಕ ಯೋಜನೆಗಳು", "ms": "perintis",
               "ta": "சோதனைகள்", "zh": "试点"},
    "contracts": {"en": "contracts", "fr": "contrats", "es": "contratos", "ca": "contractes",
                  "ar": "العقود", "hi": "अनुबंध", "kn": "ಒಪ್ಪಂದಗಳು", "ms": "kontrak",
                  "ta": "ஒப்பந்தங்கள்", "zh": "合同"},
    "joint_offers": {"en": "joint offers", "fr": "offres communes", "es": "ofertas conjuntas",
                     "ca": "ofertes conjuntes", "ar": "عروض مشتركة", "hi": "संयुक्त प्रस्ताव",
                     "kn": "ಜಂಟಿ ಕೊಡುಗೆಗಳು", "ms": "tawaran bersama", "ta": "கூட்டு வழங்கல்கள்",
                     "zh": "联合方案"},
    "sponsorship": {"en": "sponsorship", "fr": "mécénat", "es": "patrocinio", "ca": "patrocini",
                    "ar": "الرعاية", "hi": "प्रायोजन", "kn": "ಪ್ರಾಯೋಜಕತ್ವ", "ms": "tajaan",
                    "ta": "நிதியுதவி", "zh": "赞助"},
}
# fmt: on


def _word(key: str, lang: str) -> str:
    return label(_WORDS, key, lang)


def print_status(status: SeasonStatus, lang: str | None = None) -> None:
    """Print the season's phase, its funnel and its sponsorship total in ``lang``."""
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_currency, format_decimal

    from datacity_federation.domain.vocab import PHASE_LABELS, label

    lang = lang or status.city.default_language
    try:
        locale = Locale.parse(lang, sep="-")
    except (ValueError, LookupError):
        from datacity_federation.errors import DatacityError

        raise DatacityError(f"--lang: unknown language {lang!r}") from None
    name = status.city.name.get(lang) or status.city.name[status.city.default_language]
    day = format_date(status.on, format="long", locale=locale)
    typer.echo(f"{name} — {_word('season', lang)} {status.number} ({status.season}), {day}")
    if status.phase is None:
        typer.echo(f"{_word('phase', lang)}: {_word('none', lang)}")
    else:
        left = format_decimal(status.days_left or 0, locale=locale)
        phase = label(PHASE_LABELS, status.phase.value, lang)
        typer.echo(f"{_word('phase', lang)}: {phase} ({_word('left', lang).format(n=left)})")
    steps = [f"{_word(k, lang)} {format_decimal(status.funnel[k], locale=locale)}" for k in FUNNEL]
    typer.echo(" → ".join(steps[:5]) + " / " + steps[5])
    money = format_currency(status.sponsorship_total, status.currency, locale=locale)
    typer.echo(f"{_word('sponsorship', lang)}: {money}")
