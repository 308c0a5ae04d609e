"""Canonical vocabularies: stable codes, localized labels.

Codes never change meaning; labels are translations. A federation may add themes (with their own
labels) but never redefine a code. Labels exist at least in en, fr, es and ca, and in every
language the seed cities declare (ar, hi, kn, ms, ta, zh); :func:`label` falls back from a regional
tag to its base language, then to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "APPLICATION_STATUS_LABELS",
    "ApplicationStatus",
    "DISCLOSURE_PROFILES",
    "LABEL_LANGUAGES",
    "OUTCOME_LABELS",
    "Outcome",
    "PARTNER_KIND_LABELS",
    "PHASE_LABELS",
    "PILOT_STATUS_LABELS",
    "PartnerKind",
    "Phase",
    "PilotStatus",
    "PortalKind",
    "THEME_LABELS",
    "Theme",
    "label",
]

LABEL_LANGUAGES = ("en", "fr", "es", "ca", "ar", "hi", "kn", "ms", "ta", "zh")


class Phase(StrEnum):
    """The phases of a season, in order."""

    PARTNERING = "partnering"
    CALL = "call"
    EXPERIMENTATION = "experimentation"
    OUTCOME = "outcome"


class Theme(StrEnum):
    """The challenge themes the programme has named."""

    PEOPLE_FLOWS = "people_flows"
    URBAN_PLANNING = "urban_planning"
    ENERGY = "energy"
    BUILDING_ENERGY = "building_energy"
    STREET_LIGHTING = "street_lighting"
    FACILITY_SHARING = "facility_sharing"
    TOURISM_FLOWS = "tourism_flows"
    INFRASTRUCTURE = "infrastructure"
    AIR_QUALITY = "air_quality"
    WASTE = "waste"
    TRAFFIC = "traffic"
    MOBILITY = "mobility"


class PartnerKind(StrEnum):
    """What a partner is to the programme."""

    CITY = "city"
    CORPORATE = "corporate"
    STARTUP = "startup"
    RESEARCH = "research"
    OPERATOR = "operator"
    DATA_PROVIDER = "data_provider"


class PortalKind(StrEnum):
    """The open-data platforms the portal adapters speak."""

    OPENDATASOFT = "opendatasoft"
    CKAN = "ckan"
    DATAGOVSG = "datagovsg"
    SOCRATA = "socrata"
    OGD_INDIA = "ogd_india"
    DCAT = "dcat"


class ApplicationStatus(StrEnum):
    """Where a start-up's application stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PilotStatus(StrEnum):
    """Where a field experimentation stands."""

    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a pilot ended."""

    CONTRACT = "contract"
    JOINT_OFFER = "joint_offer"
    EXTENDED = "extended"
    DISCONTINUED = "discontinued"


Labels = Mapping[str, Mapping[str, str]]


def _freeze(table: dict[str, dict[str, str]]) -> Labels:
    return MappingProxyType({k: MappingProxyType(v) for k, v in table.items()})


# fmt: off
PHASE_LABELS: Labels = _freeze({
    "partnering": {"en": "Partnering", "fr": "Partenariats", "es": "Alianzas", "ca": "Aliances",
                   "ar": "الشراكات", "hi": "साझेदारी", "kn": "ಪಾಲುದಾರಿಕೆ", "ms": "Perkongsian",
                   "ta": "கூட்டாண்மை", "zh": "合作伙伴招募"},
    "call": {"en": "Call for start-ups", "fr": "Appel aux start-up", "es": "Convocatoria de start-ups",
             "ca": "Convocatòria d'start-ups", "ar": "دعوة الشركات الناشئة", "hi": "स्टार्ट-अप आमंत्रण",
             "kn": "ಸ್ಟಾರ್ಟ್‌ಅಪ್ ಆಹ್ವಾನ", "ms": "Pelawaan syarikat pemula", "ta": "புத்தொழில் அழைப்பு",
             "zh": "初创企业征集"},
    "experimentation": {"en": "Experimentation", "fr": "Expérimentation", "es": "Experimentación",
                        "ca": "Experimentació", "ar": "التجريب", "hi": "प्रयोग", "kn": "ಪ್ರಯೋಗ",
                        "ms": "Eksperimen", "ta": "சோதனை", "zh": "试点实验"},
    "outcome": {"en": "Outcome", "fr": "Résultats", "es": "Resultados", "ca": "Resultats",
                "ar": "النتائج", "hi": "परिणाम", "kn": "ಫಲಿತಾಂಶ", "ms": "Hasil", "ta": "விளைவு",
                "zh": "成果"},
})

THEME_LABELS: Labels = _freeze({
    "people_flows": {"en": "Flows of people", "fr": "Flux de personnes", "es": "Flujos de personas",
                     "ca": "Fluxos de persones", "ar": "تدفقات الأشخاص", "hi": "लोगों का आवागमन",
                     "kn": "ಜನರ ಹರಿವು", "ms": "Aliran orang ramai", "ta": "மக்கள் நடமாட்டம்",
                     "zh": "人流"},
    "urban_planning": {"en": "Urban planning", "fr": "Urbanisme", "es": "Urbanismo",
                       "ca": "Urbanisme", "ar": "التخطيط العمراني", "hi": "नगर नियोजन",
                       "kn": "ನಗರ ಯೋಜನೆ", "ms": "Perancangan bandar", "ta": "நகர திட்டமிடல்",
                       "zh": "城市规划"},
    "energy": {"en": "Energy savings", "fr": "Économies d'énergie", "es": "Ahorro energético",
               "ca": "Estalvi energètic", "ar": "توفير الطاقة", "hi": "ऊर्जा बचत",
               "kn": "ಇಂಧನ ಉಳಿತಾಯ", "ms": "Penjimatan tenaga", "ta": "ஆற்றல் சேமிப்பு",
               "zh": "节能"},
    "building_energy": {"en": "Building energy consumption", "fr": "Consommation énergétique des bâtiments",
                        "es": "Consumo energético de los edificios",
                        "ca": "Consum energètic dels edificis", "ar": "استهلاك الطاقة في المباني",
                        "hi": "भवनों की ऊर्जा खपत", "kn": "ಕಟ್ಟಡಗಳ ಇಂಧನ ಬಳಕೆ",
                        "ms": "Penggunaan tenaga bangunan", "ta": "கட்டட ஆற்றல் நுகர்வு",
                        "zh": "建筑能耗"},
    "street_lighting": {"en": "Smart street lighting", "fr": "Éclairage public intelligent",
                        "es": "Alumbrado público inteligente", "ca": "Enllumenat públic intel·ligent",
                        "ar": "الإنارة العمومية الذكية", "hi": "स्मार्ट स्ट्रीट लाइटिंग",
                        "kn": "ಸ್ಮಾರ್ಟ್ ಬೀದಿ ದೀಪ", "ms": "Lampu jalan pintar",
                        "ta": "திறன்மிகு தெரு விளக்கு", "zh": "智能路灯"},
    "facility_sharing": {"en": "Sharing facilities", "fr": "Partage d'équipements",
                         "es": "Uso compartido de equipamientos", "ca": "Ús compartit d'equipaments",
                         "ar": "تقاسم المرافق", "hi": "सुविधाओं का साझा उपयोग",
                         "kn": "ಸೌಲಭ್ಯಗಳ ಹಂಚಿಕೆ", "ms": "Perkongsian kemudahan",
                         "ta": "வசதிகள் பகிர்வு", "zh": "设施共享"},
    "tourism_flows": {"en": "Tourism flows", "fr": "Flux touristiques", "es": "Flujos turísticos",
                      "ca": "Fluxos turístics", "ar": "التدفقات السياحية", "hi": "पर्यटक आवागमन",
                      "kn": "ಪ್ರವಾಸಿ ಹರಿವು", "ms": "Aliran pelancong", "ta": "சுற்றுலா நடமாட்டம்",
                      "zh": "旅游客流"},
    "infrastructure": {"en": "Infrastructure management", "fr": "Gestion des infrastructures",
                       "es": "Gestión de infraestructuras", "ca": "Gestió d'infraestructures",
                       "ar": "إدارة البنية التحتية", "hi": "बुनियादी ढांचा प्रबंधन",
                       "kn": "ಮೂಲಸೌಕರ್ಯ ನಿರ್ವಹಣೆ", "ms": "Pengurusan infrastruktur",
                       "ta": "உள்கட்டமைப்பு மேலாண்மை", "zh": "基础设施管理"},
    "air_quality": {"en": "Pollution and air quality", "fr": "Pollution et qualité de l'air",
                    "es": "Contaminación y calidad del aire", "ca": "Contaminació i qualitat de l'aire",
                    "ar": "التلوث وجودة الهواء", "hi": "प्रदूषण और वायु गुणवत्ता",
                    "kn": "ಮಾಲಿನ್ಯ ಮತ್ತು ಗಾಳಿಯ ಗುಣಮಟ್ಟ", "ms": "Pencemaran dan kualiti udara",
                    "ta": "மாசு மற்றும் காற்றின் தரம்", "zh": "污染与空气质量"},
    "waste": {"en": "Waste", "fr": "Déchets", "es": "Residuos", "ca": "Residus", "ar": "النفايات",
              "hi": "अपशिष्ट", "kn": "ತ್ಯಾಜ್ಯ", "ms": "Sisa", "ta": "கழிவு", "zh": "废弃物"},
    "traffic": {"en": "Traffic", "fr": "Circulation", "es": "Tráfico", "ca": "Trànsit",
                "ar": "حركة المرور", "hi": "यातायात", "kn": "ಸಂಚಾರ", "ms": "Lalu lintas",
                "ta": "போக்குவரத்து நெரிசல்", "zh": "交通流量"},
    "mobility": {"en": "Mobility", "fr": "Mobilité", "es": "Movilidad", "ca": "Mobilitat",
                 "ar": "التنقل", "hi": "गतिशीलता", "kn": "ಸಂಚಾರ ಸೌಲಭ್ಯ", "ms": "Mobiliti",
                 "ta": "இயக்கம்", "zh": "出行"},
})

PARTNER_KIND_LABELS: Labels = _freeze({
    "city": {"en": "City", "fr": "Ville", "es": "Ciudad", "ca": "Ciutat", "ar": "المدينة",
             "hi": "नगर", "kn": "ನಗರ", "ms": "Bandar", "ta": "நகரம்", "zh": "城市"},
    "corporate": {"en": "Corporate partner", "fr": "Entreprise partenaire", "es": "Empresa socia",
                  "ca": "Empresa sòcia", "ar": "شريك من الشركات", "hi": "कॉर्पोरेट साझेदार",
                  "kn": "ಕಾರ್ಪೊರೇಟ್ ಪಾಲುದಾರ", "ms": "Rakan korporat", "ta": "நிறுவனப் பங்குதாரர்",
                  "zh": "企业合作伙伴"},
    "startup": {"en": "Start-up", "fr": "Start-up", "es": "Start-up", "ca": "Start-up",
                "ar": "شركة ناشئة", "hi": "स्टार्ट-अप", "kn": "ಸ್ಟಾರ್ಟ್‌ಅಪ್", "ms": "Syarikat pemula",
                "ta": "புத்தொழில் நிறுவனம்", "zh": "初创企业"},
    "research": {"en": "Research institute", "fr": "Institut de recherche",
                 "es": "Instituto de investigación", "ca": "Institut de recerca",
                 "ar": "معهد بحثي", "hi": "अनुसंधान संस्थान", "kn": "ಸಂಶೋಧನಾ ಸಂಸ್ಥೆ",
                 "ms": "Institut penyelidikan", "ta": "ஆராய்ச்சி நிறுவனம்", "zh": "研究机构"},
    "operator": {"en": "Operator", "fr": "Opérateur", "es": "Operador", "ca": "Operador",
                 "ar": "المشغّل", "hi": "संचालक", "kn": "ನಿರ್ವಾಹಕ", "ms": "Pengendali",
                 "ta": "இயக்குநர்", "zh": "运营方"},
    "data_provider": {"en": "Data provider", "fr": "Fournisseur de données",
                      "es": "Proveedor de datos", "ca": "Proveïdor de dades", "ar": "مزوّد البيانات",
                      "hi": "डेटा प्रदाता", "kn": "ದತ್ತಾಂಶ ಒದಗಿಸುವವರು", "ms": "Pembekal data",
                      "ta": "தரவு வழங்குநர்", "zh": "数据提供方"},
})

APPLICATION_STATUS_LABELS: Labels = _freeze({
    "draft": {"en": "Draft", "fr": "Brouillon", "es": "Borrador", "ca": "Esborrany", "ar": "مسودة",
              "hi": "मसौदा", "kn": "ಕರಡು", "ms": "Draf", "ta": "வரைவு", "zh": "草稿"},
    "submitted": {"en": "Submitted", "fr": "Déposée", "es": "Presentada", "ca": "Presentada",
                  "ar": "مقدَّم", "hi": "जमा", "kn": "ಸಲ್ಲಿಸಲಾಗಿದೆ", "ms": "Dihantar",
                  "ta": "சமர்ப்பிக்கப்பட்டது", "zh": "已提交"},
    "shortlisted": {"en": "Shortlisted", "fr": "Présélectionnée", "es": "Preseleccionada",
                    "ca": "Preseleccionada", "ar": "في القائمة المختصرة", "hi": "संक्षिप्त सूची में",
                    "kn": "ಕಿರುಪಟ್ಟಿಯಲ್ಲಿದೆ", "ms": "Disenarai pendek", "ta": "சுருக்கப்பட்டியலில்",
                    "zh": "入围"},
    "selected": {"en": "Selected", "fr": "Retenue", "es": "Seleccionada", "ca": "Seleccionada",
                 "ar": "مختار", "hi": "चयनित", "kn": "ಆಯ್ಕೆಯಾಗಿದೆ", "ms": "Dipilih",
                 "ta": "தேர்ந்தெடுக்கப்பட்டது", "zh": "入选"},
    "rejected": {"en": "Rejected", "fr": "Refusée", "es": "Rechazada", "ca": "Rebutjada",
                 "ar": "مرفوض", "hi": "अस्वीकृत", "kn": "ತಿರಸ್ಕರಿಸಲಾಗಿದೆ", "ms": "Ditolak",
                 "ta": "நிராகரிக்கப்பட்டது", "zh": "未入选"},
    "withdrawn": {"en": "Withdrawn", "fr": "Retirée", "es": "Retirada", "ca": "Retirada",
                  "ar": "مسحوب", "hi": "वापस लिया गया", "kn": "ಹಿಂತೆಗೆದುಕೊಳ್ಳಲಾಗಿದೆ",
                  "ms": "Ditarik balik", "ta": "திரும்பப் பெறப்பட்டது", "zh": "已撤回"},
})

PILOT_STATUS_LABELS: Labels = _freeze({
    "planned": {"en": "Planned", "fr": "Prévue", "es": "Prevista", "ca": "Prevista", "ar": "مخطط",
                "hi": "नियोजित", "kn": "ಯೋಜಿತ", "ms": "Dirancang", "ta": "திட்டமிடப்பட்டது",
                "zh": "计划中"},
    "running": {"en": "Running", "fr": "En cours", "es": "En curso", "ca": "En curs",
                "ar": "جارٍ", "hi": "चालू", "kn": "ನಡೆಯುತ್ತಿದೆ", "ms": "Sedang berjalan",
                "ta": "நடைபெறுகிறது", "zh": "进行中"},
    "completed": {"en": "Completed", "fr": "Terminée", "es": "Terminada", "ca": "Acabada",
                  "ar": "مكتمل", "hi": "पूर्ण", "kn": "ಪೂರ್ಣಗೊಂಡಿದೆ", "ms": "Selesai",
                  "ta": "நிறைவடைந்தது", "zh": "已完成"},
    "closed": {"en": "Closed with an outcome", "fr": "Close avec un résultat",
               "es": "Cerrada con un resultado", "ca": "Tancada amb un resultat",
               "ar": "مغلق بنتيجة", "hi": "परिणाम सहित बंद", "kn": "ಫಲಿತಾಂಶದೊಂದಿಗೆ ಮುಕ್ತಾಯ",
               "ms": "Ditutup dengan hasil", "ta": "முடிவுடன் மூடப்பட்டது", "zh": "已结项"},
})

OUTCOME_LABELS: Labels = _freeze({
    "contract": {"en": "Contract", "fr": "Contrat", "es": "Contrato", "ca": "Contracte",
                 "ar": "عقد", "hi": "अनुबंध", "kn": "ಒಪ್ಪಂದ", "ms": "Kontrak", "ta": "ஒப்பந்தம்",
                 "zh": "合同"},
    "joint_offer": {"en": "Joint commercial offer", "fr": "Offre commerciale commune",
                    "es": "Oferta comercial conjunta", "ca": "Oferta comercial conjunta",
                    "ar": "عرض تجاري مشترك", "hi": "संयुक्त व्यावसायिक प्रस्ताव",
                    "kn": "ಜಂಟಿ ವಾಣಿಜ್ಯ ಕೊಡುಗೆ", "ms": "Tawaran komersial bersama",
                    "ta": "கூட்டு வணிக வழங்கல்", "zh": "联合商业方案"},
    "extended": {"en": "Extended", "fr": "Prolongée", "es": "Prorrogada", "ca": "Prorrogada",
                 "ar": "ممدَّد", "hi": "विस्तारित", "kn": "ವಿಸ್ತರಿಸಲಾಗಿದೆ", "ms": "Dilanjutkan",
                 "ta": "நீட்டிக்கப்பட்டது", "zh": "延期"},
    "discontinued": {"en": "Discontinued", "fr": "Arrêtée", "es": "Interrumpida",
                     "ca": "Interrompuda", "ar": "متوقف", "hi": "बंद किया गया",
                     "kn": "ಸ್ಥಗಿತಗೊಂಡಿದೆ", "ms": "Dihentikan", "ta": "நிறுத்தப்பட்டது",
                     "zh": "终止"},
})
# fmt: on


def label(table: Labels, code: str, lang: str, extra: Labels | None = None) -> str:
    """The label of ``code`` in ``lang`` (BCP 47), falling back to the base language, then English.

    ``extra`` holds labels a federation added (extension themes); an unknown code is returned as is.
    """
    labels = (extra or {}).get(code) or table.get(code)
    if labels is None:
        return code
    base = lang.replace("_", "-").split("-")[0].lower()
    return labels.get(lang) or labels.get(base) or labels.get("en") or code


DISCLOSURE_PROFILES = ("default", "strict")
"""Disclosure rule profiles, loosest first; a city may only move right of its federation's."""
