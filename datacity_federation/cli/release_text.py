"""Words of the release summary, per language (numbers stay in the core, words live here).

Complete in every language the vocabulary labels (en, fr, es, ca, ar, hi, kn, ms, ta, zh); another
language falls back to English for the sentences, while theme, phase and outcome names use the
vocabulary's own labels.
"""

from __future__ import annotations

from datacity_federation.domain.vocab import (
    OUTCOME_LABELS,
    PHASE_LABELS,
    THEME_LABELS,
    label,
)
from datacity_federation.privacy.tables import Release

__all__ = ["METRICS", "TEXT", "summary_lines", "where_text"]

# fmt: off
TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Release of {city}, season {season} (rules: {profile} v{version})",
              "fr": "Publication de {city}, saison {season} (règles : {profile} v{version})",
              "es": "Publicación de {city}, temporada {season} (reglas: {profile} v{version})",
              "ca": "Publicació de {city}, temporada {season} (regles: {profile} v{version})",
              "ar": "إصدار {city}، الموسم {season} (القواعد: {profile} v{version})",
              "hi": "{city} का प्रकाशन, सत्र {season} (नियम: {profile} v{version})",
              "kn": "{city} ಬಿಡುಗಡೆ, ಋತು {season} (ನಿಯಮಗಳು: {profile} v{version})",
              "ms": "Terbitan {city}, musim {season} (peraturan: {profile} v{version})",
              "ta": "{city} வெளியீடு, பருவம் {season} (விதிகள்: {profile} v{version})",
              "zh": "{city} 发布，第 {season} 季（规则：{profile} v{version}）"},
    "counts": {"en": "{published} cells published, {suppressed} suppressed",
               "fr": "{published} cellules publiées, {suppressed} masquées",
               "es": "{published} celdas publicadas, {suppressed} suprimidas",
               "ca": "{published} cel·les publicades, {suppressed} suprimides",
              "ar": "{published} خلية منشورة، {suppressed} محجوبة",
              "hi": "{published} कोष्ठ प्रकाशित, {suppressed} छिपाए गए",
              "kn": "{published} ಕೋಶಗಳು ಪ್ರಕಟ, {suppressed} ಮರೆಮಾಡಲಾಗಿದೆ",
              "ms": "{published} sel diterbitkan, {suppressed} disembunyikan",
              "ta": "{published} கலங்கள் வெளியிடப்பட்டன, {suppressed} மறைக்கப்பட்டன",
              "zh": "已发布 {published} 个单元格，隐藏 {suppressed} 个"},
    "none": {"en": "Nothing suppressed.", "fr": "Rien n'est masqué.", "es": "Nada suprimido.",
             "ca": "No s'ha suprimit res.",
              "ar": "لم يُحجب شيء.",
              "hi": "कुछ भी छिपाया नहीं गया।",
              "kn": "ಏನನ್ನೂ ಮರೆಮಾಡಿಲ್ಲ.",
              "ms": "Tiada yang disembunyikan.",
              "ta": "எதுவும் மறைக்கப்படவில்லை.",
              "zh": "没有隐藏任何内容。"},
    "too_few": {"en": "fewer than {n} distinct contributors", "fr": "moins de {n} contributeurs distincts",
                "es": "menos de {n} contribuyentes distintos", "ca": "menys de {n} contribuents diferents",
              "ar": "أقل من {n} مساهمين مختلفين",
              "hi": "{n} से कम अलग-अलग योगदानकर्ता",
              "kn": "{n} ಕ್ಕಿಂತ ಕಡಿಮೆ ಬೇರೆ ಬೇರೆ ಕೊಡುಗೆದಾರರು",
              "ms": "kurang daripada {n} penyumbang berbeza",
              "ta": "{n} க்கும் குறைவான தனித்த பங்களிப்பாளர்கள்",
              "zh": "不同贡献者少于 {n} 个"},
    "too_few_contributors": {"en": "fewer than {m} contributors to the amount",
                             "fr": "moins de {m} contributeurs au montant",
                             "es": "menos de {m} contribuyentes al importe",
                             "ca": "menys de {m} contribuents a l'import",
              "ar": "أقل من {m} مساهمين في المبلغ",
              "hi": "राशि में {m} से कम योगदानकर्ता",
              "kn": "ಮೊತ್ತಕ್ಕೆ {m} ಕ್ಕಿಂತ ಕಡಿಮೆ ಕೊಡುಗೆದಾರರು",
              "ms": "kurang daripada {m} penyumbang kepada jumlah",
              "ta": "தொகைக்கு {m} க்கும் குறைவான பங்களிப்பாளர்கள்",
              "zh": "该金额的贡献者少于 {m} 个"},
    "dominance_one": {"en": "one contributor gives more than {d1}% of the amount",
                      "fr": "un contributeur apporte plus de {d1} % du montant",
                      "es": "un contribuyente aporta más del {d1} % del importe",
                      "ca": "un contribuent aporta més del {d1} % de l'import",
              "ar": "مساهم واحد يقدّم أكثر من {d1}% من المبلغ",
              "hi": "एक योगदानकर्ता राशि का {d1}% से अधिक देता है",
              "kn": "ಒಬ್ಬ ಕೊಡುಗೆದಾರರು ಮೊತ್ತದ {d1}% ಕ್ಕಿಂತ ಹೆಚ್ಚು ನೀಡುತ್ತಾರೆ",
              "ms": "seorang penyumbang memberi lebih daripada {d1}% jumlah",
              "ta": "ஒரு பங்களிப்பாளர் தொகையின் {d1}% க்கும் மேல் தருகிறார்",
              "zh": "一个贡献者提供了超过 {d1}% 的金额"},
    "dominance_two": {"en": "two contributors give more than {d2}% of the amount",
                      "fr": "deux contributeurs apportent plus de {d2} % du montant",
                      "es": "dos contribuyentes aportan más del {d2} % del importe",
                      "ca": "dos contribuents aporten més del {d2} % de l'import",
              "ar": "مساهمان يقدّمان أكثر من {d2}% من المبلغ",
              "hi": "दो योगदानकर्ता राशि का {d2}% से अधिक देते हैं",
              "kn": "ಇಬ್ಬರು ಕೊಡುಗೆದಾರರು ಮೊತ್ತದ {d2}% ಕ್ಕಿಂತ ಹೆಚ್ಚು ನೀಡುತ್ತಾರೆ",
              "ms": "dua penyumbang memberi lebih daripada {d2}% jumlah",
              "ta": "இரண்டு பங்களிப்பாளர்கள் தொகையின் {d2}% க்கும் மேல் தருகின்றனர்",
              "zh": "两个贡献者提供了超过 {d2}% 的金额"},
    "p_percent": {"en": "the others could estimate the largest contribution within {p}%",
                  "fr": "les autres pourraient estimer la plus grande contribution à {p} % près",
                  "es": "los demás podrían estimar la mayor contribución con un margen de {p} %",
                  "ca": "els altres podrien estimar la contribució més gran amb un marge del {p} %",
              "ar": "يستطيع الآخرون تقدير أكبر مساهمة بهامش {p}%",
              "hi": "अन्य लोग सबसे बड़े योगदान का {p}% के भीतर अनुमान लगा सकते हैं",
              "kn": "ಇತರರು ಅತಿ ದೊಡ್ಡ ಕೊಡುಗೆಯನ್ನು {p}% ಒಳಗೆ ಅಂದಾಜು ಮಾಡಬಹುದು",
              "ms": "yang lain boleh menganggar sumbangan terbesar dalam lingkungan {p}%",
              "ta": "மற்றவர்கள் மிகப்பெரிய பங்களிப்பை {p}% க்குள் மதிப்பிட முடியும்",
              "zh": "其他贡献者可将最大一笔贡献估算到 {p}% 以内"},
    "kpi_too_few": {"en": "a mean needs at least {k} pilots", "fr": "une moyenne exige au moins {k} expérimentations",
                    "es": "una media exige al menos {k} pilotos", "ca": "una mitjana exigeix almenys {k} pilots",
              "ar": "يحتاج المتوسط إلى {k} تجارب على الأقل",
              "hi": "औसत के लिए कम से कम {k} पायलट चाहिए",
              "kn": "ಸರಾಸರಿಗೆ ಕನಿಷ್ಠ {k} ಪ್ರಾಯೋಗಿಕ ಯೋಜನೆಗಳು ಬೇಕು",
              "ms": "purata memerlukan sekurang-kurangnya {k} perintis",
              "ta": "சராசரிக்கு குறைந்தது {k} முன்னோட்டங்கள் தேவை",
              "zh": "平均值至少需要 {k} 个试点"},
    "kpi_equal": {"en": "all values are equal (the mean would disclose each one)",
                  "fr": "toutes les valeurs sont égales (la moyenne révélerait chacune)",
                  "es": "todos los valores son iguales (la media revelaría cada uno)",
                  "ca": "tots els valors són iguals (la mitjana revelaria cadascun)",
              "ar": "كل القيم متساوية (سيكشف المتوسط كل قيمة)",
              "hi": "सभी मान बराबर हैं (औसत हर मान उजागर कर देगा)",
              "kn": "ಎಲ್ಲಾ ಮೌಲ್ಯಗಳು ಸಮಾನ (ಸರಾಸರಿ ಪ್ರತಿಯೊಂದನ್ನೂ ಬಹಿರಂಗಪಡಿಸುತ್ತದೆ)",
              "ms": "semua nilai sama (purata akan mendedahkan setiap satu)",
              "ta": "எல்லா மதிப்புகளும் சமம் (சராசரி ஒவ்வொன்றையும் வெளிப்படுத்தும்)",
              "zh": "所有数值相同（平均值会暴露每一个数值）"},
    "homogeneity": {"en": "one outcome holds more than {h}% of the pilots",
                    "fr": "un résultat concerne plus de {h} % des expérimentations",
                    "es": "un resultado reúne más del {h} % de los pilotos",
                    "ca": "un resultat reuneix més del {h} % dels pilots",
              "ar": "نتيجة واحدة تشمل أكثر من {h}% من التجارب",
              "hi": "एक परिणाम {h}% से अधिक पायलटों का है",
              "kn": "ಒಂದೇ ಫಲಿತಾಂಶ {h}% ಕ್ಕಿಂತ ಹೆಚ್ಚು ಪ್ರಾಯೋಗಿಕ ಯೋಜನೆಗಳನ್ನು ಒಳಗೊಂಡಿದೆ",
              "ms": "satu hasil meliputi lebih daripada {h}% perintis",
              "ta": "ஒரு விளைவு {h}% க்கும் மேற்பட்ட முன்னோட்டங்களைக் கொண்டுள்ளது",
              "zh": "单一结果占试点的 {h}% 以上"},
    "secondary": {"en": "hidden too, so that {other} cannot be worked out by subtraction",
                  "fr": "masquée aussi, pour que {other} ne puisse pas être déduite par soustraction",
                  "es": "suprimida también, para que {other} no pueda deducirse por resta",
                  "ca": "suprimida també, perquè {other} no es pugui deduir per resta",
              "ar": "محجوبة أيضًا حتى لا يمكن استنتاج {other} بالطرح",
              "hi": "यह भी छिपाया गया, ताकि {other} घटाकर न निकाला जा सके",
              "kn": "{other} ಅನ್ನು ಕಳೆಯುವ ಮೂಲಕ ತಿಳಿಯದಂತೆ ಇದನ್ನೂ ಮರೆಮಾಡಲಾಗಿದೆ",
              "ms": "turut disembunyikan supaya {other} tidak dapat dikira melalui penolakan",
              "ta": "{other} கழித்தல் மூலம் கண்டறியப்படாமல் இருக்க இதுவும் மறைக்கப்பட்டது",
              "zh": "同样隐藏，以免通过减法推算出 {other}"},
    "chain": {"en": "hidden too, so that its change since an earlier release cannot be worked out",
              "fr": "masquée aussi, pour que sa variation depuis une publication précédente ne puisse pas être déduite",
              "es": "suprimida también, para que su cambio desde una publicación anterior no pueda deducirse",
              "ca": "suprimida també, perquè el seu canvi des d'una publicació anterior no es pugui deduir",
              "ar": "محجوبة أيضًا حتى لا يمكن استنتاج تغيّرها منذ إصدار سابق",
              "hi": "यह भी छिपाया गया, ताकि पिछले प्रकाशन के बाद का इसका बदलाव निकाला न जा सके",
              "kn": "ಹಿಂದಿನ ಬಿಡುಗಡೆಯಿಂದಾದ ಇದರ ಬದಲಾವಣೆಯನ್ನು ತಿಳಿಯದಂತೆ ಇದನ್ನೂ ಮರೆಮಾಡಲಾಗಿದೆ",
              "ms": "turut disembunyikan supaya perubahannya sejak terbitan terdahulu tidak dapat dikira",
              "ta": "முந்தைய வெளியீட்டிலிருந்து இதன் மாற்றத்தைக் கண்டறிய முடியாதபடி இதுவும் மறைக்கப்பட்டது",
              "zh": "同样隐藏，以免推算出它自上次发布以来的变化"},
    "held": {"en": "kept at its previous value: the change alone would identify a few contributors",
             "fr": "garde sa valeur précédente : la variation seule identifierait quelques contributeurs",
             "es": "mantiene su valor anterior: el cambio por sí solo identificaría a pocos contribuyentes",
             "ca": "manté el valor anterior: el canvi per si sol identificaria pocs contribuents",
              "ar": "أُبقي على قيمته السابقة: التغيير وحده سيكشف هوية عدد قليل من المساهمين",
              "hi": "पिछला मान रखा गया: केवल बदलाव से कुछ योगदानकर्ताओं की पहचान हो जाती",
              "kn": "ಹಿಂದಿನ ಮೌಲ್ಯವನ್ನೇ ಉಳಿಸಲಾಗಿದೆ: ಬದಲಾವಣೆಯೊಂದೇ ಕೆಲವು ಕೊಡುಗೆದಾರರನ್ನು ಗುರುತಿಸುತ್ತದೆ",
              "ms": "dikekalkan pada nilai sebelumnya: perubahan itu sahaja akan mengenal pasti beberapa penyumbang",
              "ta": "முந்தைய மதிப்பே வைக்கப்பட்டது: மாற்றம் மட்டுமே சில பங்களிப்பாளர்களை அடையாளம் காட்டும்",
              "zh": "保留原值：仅凭变化就能识别出少数贡献者"},
    "all": {"en": "all themes", "fr": "tous thèmes", "es": "todos los temas", "ca": "tots els temes",
              "ar": "كل المحاور",
              "hi": "सभी विषय",
              "kn": "ಎಲ್ಲಾ ವಿಷಯಗಳು",
              "ms": "semua tema",
              "ta": "அனைத்து கருப்பொருள்கள்",
              "zh": "所有主题"},
}

# Metric names as a director reads them; the codes stay in the cells.
METRICS: dict[str, dict[str, str]] = {
    "challenges": {"en": "challenges", "fr": "défis", "es": "retos", "ca": "reptes", "ar": "التحديات",
                   "hi": "चुनौतियाँ", "kn": "ಸವಾಲುಗಳು", "ms": "cabaran", "ta": "சவால்கள்", "zh": "挑战"},
    "corporate_partners": {"en": "corporate partners", "fr": "entreprises partenaires", "es": "empresas socias",
                           "ca": "empreses sòcies", "ar": "الشركاء من الشركات", "hi": "कॉर्पोरेट साझेदार",
                           "kn": "ಕಾರ್ಪೊರೇಟ್ ಪಾಲುದಾರರು", "ms": "rakan korporat", "ta": "நிறுவனப் பங்குதாரர்கள்",
                           "zh": "企业合作伙伴"},
    "datasets_used": {"en": "data sets used", "fr": "jeux de données utilisés", "es": "conjuntos de datos usados",
                      "ca": "conjunts de dades usats", "ar": "مجموعات البيانات المستخدمة", "hi": "प्रयुक्त डेटासेट",
                      "kn": "ಬಳಸಿದ ದತ್ತಾಂಶ ಸಂಗ್ರಹಗಳು", "ms": "set data digunakan", "ta": "பயன்படுத்திய தரவுத் தொகுப்புகள்",
                      "zh": "使用的数据集"},
    "applications": {"en": "applications", "fr": "candidatures", "es": "candidaturas", "ca": "candidatures",
                     "ar": "الطلبات", "hi": "आवेदन", "kn": "ಅರ್ಜಿಗಳು", "ms": "permohonan", "ta": "விண்ணப்பங்கள்",
                     "zh": "申请"},
    "startups": {"en": "start-ups", "fr": "start-up", "es": "start-ups", "ca": "start-ups", "ar": "الشركات الناشئة",
                 "hi": "स्टार्ट-अप", "kn": "ಸ್ಟಾರ್ಟ್‌ಅಪ್‌ಗಳು", "ms": "syarikat pemula", "ta": "புத்தொழில் நிறுவனங்கள்",
                 "zh": "初创企业"},
    "shortlisted": {"en": "shortlisted", "fr": "présélectionnées", "es": "preseleccionadas", "ca": "preseleccionades",
                    "ar": "القائمة المختصرة", "hi": "संक्षिप्त सूची", "kn": "ಕಿರುಪಟ್ಟಿ", "ms": "senarai pendek",
                    "ta": "சுருக்கப்பட்டியல்", "zh": "入围"},
    "selected": {"en": "selected", "fr": "retenues", "es": "seleccionadas", "ca": "seleccionades", "ar": "المختارة",
                 "hi": "चयनित", "kn": "ಆಯ್ಕೆಯಾದವು", "ms": "dipilih", "ta": "தேர்ந்தெடுக்கப்பட்டவை", "zh": "入选"},
    "pilots": {"en": "pilots", "fr": "expérimentations", "es": "pilotos", "ca": "pilots", "ar": "التجارب",
               "hi": "पायलट", "kn": "ಪ್ರಾಯೋಗಿಕ ಯೋಜನೆಗಳು", "ms": "perintis", "ta": "முன்னோட்டங்கள்", "zh": "试点"},
    "pilot_outcomes": {"en": "pilot outcomes", "fr": "résultats des expérimentations",
                       "es": "resultados de los pilotos", "ca": "resultats dels pilots", "ar": "نتائج التجارب",
                       "hi": "पायलट परिणाम", "kn": "ಪ್ರಾಯೋಗಿಕ ಫಲಿತಾಂಶಗಳು", "ms": "hasil perintis",
                       "ta": "முன்னோட்ட விளைவுகள்", "zh": "试点成果"},
    "phase_days": {"en": "days in the phase", "fr": "jours dans la phase", "es": "días en la fase",
                   "ca": "dies a la fase", "ar": "أيام المرحلة", "hi": "चरण के दिन", "kn": "ಹಂತದ ದಿನಗಳು",
                   "ms": "hari dalam fasa", "ta": "கட்டத்தின் நாட்கள்", "zh": "阶段天数"},
    "phase_days_planned": {"en": "planned days in the phase", "fr": "jours prévus dans la phase",
                           "es": "días previstos en la fase", "ca": "dies previstos a la fase",
                           "ar": "أيام المرحلة المخططة", "hi": "चरण के नियोजित दिन", "kn": "ಹಂತದ ಯೋಜಿತ ದಿನಗಳು",
                           "ms": "hari dirancang dalam fasa", "ta": "கட்டத்தின் திட்டமிட்ட நாட்கள்",
                           "zh": "阶段计划天数"},
    "sponsorship_total": {"en": "sponsorship total", "fr": "total du mécénat", "es": "total del patrocinio",
                          "ca": "total del patrocini", "ar": "مجموع الرعاية", "hi": "कुल प्रायोजन",
                          "kn": "ಒಟ್ಟು ಪ್ರಾಯೋಜಕತ್ವ", "ms": "jumlah tajaan", "ta": "மொத்த நிதியுதவி",
                          "zh": "赞助总额"},
    "contract_value_total": {"en": "contract value total", "fr": "montant total des contrats",
                             "es": "importe total de los contratos", "ca": "import total dels contractes",
                             "ar": "القيمة الإجمالية للعقود", "hi": "अनुबंधों का कुल मूल्य",
                             "kn": "ಒಪ್ಪಂದಗಳ ಒಟ್ಟು ಮೌಲ್ಯ", "ms": "jumlah nilai kontrak",
                             "ta": "ஒப்பந்தங்களின் மொத்த மதிப்பு", "zh": "合同总额"},
    "kpi_improvement_mean": {"en": "mean KPI improvement", "fr": "amélioration moyenne des indicateurs",
                             "es": "mejora media de los indicadores", "ca": "millora mitjana dels indicadors",
                             "ar": "متوسط تحسّن المؤشرات", "hi": "संकेतकों में औसत सुधार",
                             "kn": "ಸೂಚಕಗಳ ಸರಾಸರಿ ಸುಧಾರಣೆ", "ms": "purata peningkatan KPI",
                             "ta": "குறிகாட்டிகளின் சராசரி முன்னேற்றம்", "zh": "关键指标平均改善"},
    "partner_retention": {"en": "partner retention", "fr": "fidélisation des partenaires",
                          "es": "permanencia de los socios", "ca": "permanència dels socis",
                          "ar": "استبقاء الشركاء", "hi": "साझेदार प्रतिधारण", "kn": "ಪಾಲುದಾರರ ಮುಂದುವರಿಕೆ",
                          "ms": "pengekalan rakan", "ta": "பங்குதாரர் தக்கவைப்பு", "zh": "合作伙伴留存"},
    "network_startups_multi_city": {"en": "start-ups piloting in several cities",
                                    "fr": "start-up en expérimentation dans plusieurs villes",
                                    "es": "start-ups con pilotos en varias ciudades",
                                    "ca": "start-ups amb pilots a diverses ciutats",
                                    "ar": "شركات ناشئة تجرّب في عدة مدن", "hi": "कई शहरों में पायलट चलाने वाले स्टार्ट-अप",
                                    "kn": "ಹಲವು ನಗರಗಳಲ್ಲಿ ಪ್ರಯೋಗ ನಡೆಸುವ ಸ್ಟಾರ್ಟ್‌ಅಪ್‌ಗಳು",
                                    "ms": "syarikat pemula dengan perintis di beberapa bandar",
                                    "ta": "பல நகரங்களில் முன்னோட்டம் நடத்தும் புத்தொழில் நிறுவனங்கள்",
                                    "zh": "在多个城市开展试点的初创企业"},
}
# fmt: on


def _t(code: str, lang: str) -> str:
    return label(TEXT, code, lang)


def where_text(key: tuple[str, str, str], lang: str) -> str:
    """A cell named in words: metric [theme / outcome or phase]."""
    metric, theme, dim = key
    theme_text = _t("all", lang) if theme == "all" else label(THEME_LABELS, theme, lang)
    dim_text = ""
    if dim:
        table = OUTCOME_LABELS if metric == "pilot_outcomes" else PHASE_LABELS
        dim_text = f" / {label(table, dim, lang)}"
    return f"{label(METRICS, metric, lang)} [{theme_text}{dim_text}]"


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
            other=where_text(s.protects, lang) if s.protects else "", **values
        )
        lines.append(f"  {s.status.value}  {where_text(s.key, lang)}: {why}")
    return lines
