"""Sentences of the region fact sheet (faktablad.html), Swedish and English."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, dict[str, str]]] = {
    "title": {"sv": "Faktablad: {region}", "en": "Fact sheet: {region}"},
    "lead": {
        "sv": "Kompetensbehov och arbetsmarknad i {region}, efter yrke. Genererat {date} "
        "med kompetens-forecast {version} från officiell statistik (SCB, "
        "Arbetsförmedlingen).",
        "en": "Competence needs and the labour market in {region}, by occupation. Generated "
        "{date} by kompetens-forecast {version} from official statistics (SCB, "
        "Arbetsförmedlingen).",
    },
    "banner": {
        "sv": "Syntetiska demodata: {what} är framtagna ur SCB:s länsdata med en slumpad "
        "fördelning och är inte officiell statistik.",
        "en": "Synthetic demo data: {what} are generated from SCB county data by a random "
        "allocation and are not official statistics.",
    },
    "banner_region": {"sv": "regionens siffror", "en": "the region's figures"},
    "banner_subs": {"sv": "kommunsiffrorna", "en": "the municipal figures"},
    "summary": {"sv": "Sammanfattning", "en": "Summary"},
    "charts": {"sv": "Diagram", "en": "Charts"},
    "total": {
        "sv": "I {region} fanns {n} anställda {year} (efter arbetsställets läge). Sedan "
        "{start} har antalet {direction} med {pct}, jämfört med {riket} i riket (justerat "
        "för seriebrott).",
        "en": "{Region} had {n} employees in {year} (by workplace). Since {start} the "
        "number has {direction} by {pct}, against {riket} in Sweden (adjusted for series "
        "breaks).",
    },
    "total_riket": {
        "sv": "I riket fanns {n} anställda {year}. Sedan {start} har antalet {direction} med "
        "{pct} (justerat för seriebrott).",
        "en": "Sweden had {n} employees in {year}. Since {start} the number has {direction} "
        "by {pct} (adjusted for series breaks).",
    },
    "up": {"sv": "ökat", "en": "grown"},
    "down": {"sv": "minskat", "en": "fallen"},
    "largest": {
        "sv": "Största yrket är {label} med {n} anställda ({share} av alla anställda). De fem "
        "största yrkena står tillsammans för {share5}.",
        "en": "The largest occupation is {label} with {n} employees ({share} of all "
        "employees). The five largest occupations together account for {share5}.",
    },
    "change": {
        "sv": "Under {start}–{end} ökade {up} mest ({up_n} anställda, {up_pct}) och {down} "
        "minskade mest ({down_n}, {down_pct}).",
        "en": "In {start}–{end}, {up} grew the most ({up_n} employees, {up_pct}) and {down} "
        "shrank the most ({down_n}, {down_pct}).",
    },
    "lq": {
        "sv": "Jämfört med riket sticker yrket {label} ut: det är {lq} gånger så vanligt som "
        "i riket (lokaliseringskvot).",
        "en": "Compared with Sweden, the occupation {label} stands out: it is {lq} times as "
        "common as in Sweden (location quotient).",
    },
    "forecast": {
        "sv": "Prognosen pekar på {n} anställda {end} i de yrken som prognostiseras, "
        "{pct} mot {year}. Mätt som om prognosen gjorts 2018–2022 med de data som då fanns "
        "var den träffsäkrare än oförändrad nivå (förra årets värde) ett år framåt för "
        "{beats} av yrkena.",
        "en": "The forecast points to {n} employees in {end} in the occupations forecast, "
        "{pct} against {year}. Measured as if the forecast had been made in 2018–2022 with "
        "the data available then, it was more accurate one year ahead than an unchanged level "
        "(last year's value) for {beats} of the occupations.",
    },
    "shortage": {
        "sv": "Arbetsförmedlingen bedömer brist i {af} av de {m} största yrkena; {k} av dem "
        "har en bedömning{levels},{omgang}.",
        "en": "Arbetsförmedlingen assesses shortage in {af} of the {m} largest occupations; "
        "{k} of them are assessed{levels},{omgang}.",
    },
    "level_county": {"sv": "{n} av länet", "en": "{n} by the county"},
    "level_wider": {"sv": "{n} för en större region", "en": "{n} for a wider region"},
    "level_national": {"sv": "{n} för riket", "en": "{n} nationally"},
    "round": {"sv": "omgång", "en": "round"},
    "shortage_model": {
        "sv": "Av de övriga ger modellen en egen status för {n} ({brist} brist).",
        "en": "Of the others, the model gives a status of its own for {n} ({brist} shortage).",
    },
    "subregions": {
        "sv": "Flest anställda av länets kommuner har {name} ({share} av länets anställda).",
        "en": "Of the county's municipalities, {name} has the most employees ({share} of "
        "the county's employees).",
    },
    "matching": {
        "sv": "Matchningsgraden (andel förvärvsarbetande vars utbildning matchar yrket) var "
        "{a} {year}, mot {b} i riket.",
        "en": "The matching grade (share of employed whose education matches their "
        "occupation) was {a} in {year}, against {b} in Sweden.",
    },
    "openings": {
        "sv": "Störst rekryteringsbehov till {end} har {label}: omkring {n} personer (avgångar och "
        "prognostiserad förändring).",
        "en": "The largest recruitment need to {end} is for {label}: about {n} people (exits and "
        "forecast change).",
    },
    "sources": {"sv": "Källor", "en": "Sources"},
    "methods": {"sv": "Så är siffrorna framtagna", "en": "How the figures were made"},
    "methods_full": {"sv": "Metod i detalj", "en": "Methods in detail"},
    "appendix": {"sv": "Bilaga", "en": "Appendix"},
    "of": {"sv": "av", "en": "of"},
    "fact_employed": {
        "sv": "anställda {year} (efter arbetsställets läge)",
        "en": "employees, {year} (by workplace)",
    },
    "fact_change": {
        "sv": "förändring {start}–{end}, justerat för seriebrott (ojusterat {raw})",
        "en": "change {start}–{end}, adjusted for series breaks (unadjusted {raw})",
    },
    "fact_exits": {
        "sv": "flest förväntade avgångar till {end}: omkring {n} personer",
        "en": "most expected exits to {end}: about {n} people",
    },
    "openings_exits": {
        "sv": "Flest förväntade avgångar till {end} har {label}: omkring {n} personer "
        "(beräknat från yrkets åldersstruktur).",
        "en": "The most expected exits to {end} are for {label}: about {n} people (estimated "
        "from the occupation's age structure).",
    },
    "fact_need": {
        "sv": "störst rekryteringsbehov till {end}: {n} personer (avgångar och förändring)",
        "en": "largest recruitment need to {end}: {n} people (exits and change)",
    },
    "fact_growth": {
        "sv": "har ökat mest {start}–{end}: {n} anställda (justerat för seriebrott)",
        "en": "grew the most {start}–{end}: {n} employees (adjusted for series breaks)",
    },
    "fact_af": {
        "sv": "största yrken med brist enligt Arbetsförmedlingen (Yrkesbarometern {omgang}; "
        "{level})",
        "en": "largest occupations in shortage according to Arbetsförmedlingen "
        "(Yrkesbarometer {omgang}; {level})",
    },
    "breaks": {"sv": "Seriebrott", "en": "Series breaks"},
    "retrieved": {"sv": "hämtad", "en": "retrieved"},
    "tables": {"sv": "tabeller", "en": "tables"},
    "licence": {"sv": "licens", "en": "licence"},
    "synthetic_mark": {"sv": "SYNTETISKA DEMODATA", "en": "SYNTHETIC DEMO DATA"},
    "more": {
        "sv": "Alla tabeller och diagram finns i Excel-filen och diagrammappen som hör till "
        "faktabladet. Fullständig metodbeskrivning finns i kompetens-forecasts "
        "dokumentation (kapitlet Metod).",
        "en": "All tables and charts are in the Excel file and the chart folder that come with "
        "this fact sheet. The full description of methods is in the kompetens-forecast "
        "documentation (chapter Methods).",
    },
}

# the printed fact sheet's short, plain-language methods box
METHODS_SHORT: Final[dict[str, list[str]]] = {
    "sv": [
        "Antal anställda efter arbetsställets läge och yrke (SSYK 2012) ur SCB:s yrkesregister. "
        "Registret bytte källa 2020 och omfattar 16–69 år från 2023; förändringar som anges "
        "som justerade är rensade från de brotten.",
        "Prognosen har prövats mot hur det faktiskt gick tidigare år; intervallen bygger på "
        "de felen och rymmer 8 av 10 utfall.",
        "Bristläge: Arbetsförmedlingens bedömning i Yrkesbarometern där den finns (för länet, "
        "en större region eller riket, som angivet). En modell på lön, åldersstruktur och "
        "platsannonser ger en status bara där den har prövats träffa AF:s bedömningar väl; "
        "annars står det 'ingen bedömning'.",
    ],
    "en": [
        "Employees by workplace and occupation (SSYK 2012) from SCB's occupational register. "
        "The register changed source in 2020 and covers ages 16–69 from 2023; changes marked "
        "as adjusted are cleared of these breaks.",
        "The forecast has been tested against what actually happened in earlier years; the "
        "intervals are built from those errors and hold 8 in 10 outcomes.",
        "Shortage: Arbetsförmedlingen's assessment in its Yrkesbarometer where there is one "
        "(for the county, a wider region or Sweden, as stated). A model on pay, age structure "
        "and job ads gives a status only where it has been shown to agree well with AF's "
        "assessments; otherwise it says 'no assessment'.",
    ],
}

METHODS: Final[dict[str, list[str]]] = {
    "sv": [
        "Anställda efter arbetsställets region och yrke (SSYK 2012) ur SCB:s yrkesregister; "
        "summor över kön.",
        "Seriebrott (2020 RAMS → BAS, 2023 16–69 år och imputerade yrken) hanteras som "
        "nivåskiften: historiken före brottet skalas med yrkets nationella brottsfaktor.",
        "Lokaliseringskvot = yrkets andel av de anställda i regionen / andelen i riket.",
        "Prognos: riket med dämpad trend på logaritmerad sysselsättning, län som länets "
        "andel av rikets prognos, vägt mot oförändrad nivå; dämpning, trendfönster och vikt "
        "väljs per yrkesgrupp efter storlek och prognoshorisont med enbart data som fanns "
        "vid varje tidpunkt, och hela förfarandet prövas på samma sätt i efterhand. Län × "
        "yrke stäms av mot länets total och rikets yrken, kommun × yrke mot länet. 80 % "
        "prognosintervall ur tidigare prognosfel.",
        "Bristläge: Arbetsförmedlingens yrkesbarometer där AF bedömer yrket. Därutöver en "
        "modell (logistisk regression brist mot överskott, kalibrerad mot AF) på yrkets lön "
        "och löneutveckling mot alla yrken (SCB), åldersstruktur och ersättningsbehov (SCB) "
        "och platsannonser (AF, sammanställda av Lodefalk, Löthman, Koch, Engberg (2026), "
        "canaries-sweden, CC BY 4.0), prövad med korsvalidering grupperad på AF:s yrken. "
        "Modellens status visas bara om den slår varje enskild signal och når AUC 0,75, och "
        "där yrkets data och säkerheten räcker; annars 'ingen bedömning'. Yrkets storlek "
        "ingår inte.",
    ],
    "en": [
        "Employees by workplace region and occupation (SSYK 2012) from SCB's occupational "
        "register; totals over sex.",
        "Series breaks (2020 RAMS → BAS, 2023 ages 16–69 and imputed occupations) are treated "
        "as level shifts: history before a break is scaled by the occupation's national "
        "break factor.",
        "Location quotient = the occupation's share of employees in the region / its share "
        "in Sweden.",
        "Forecast: Sweden by a damped trend on log employment, counties as the county's "
        "share of Sweden's forecast, weighted against an unchanged level; damping, trend "
        "window and weight are chosen per occupation size group and horizon with only the "
        "data available at each point in time, and the whole procedure is tested the same "
        "way in hindsight. County × occupation reconciled to the county total and Sweden's "
        "occupations, municipality × occupation to the county. 80 % prediction intervals "
        "from past forecast errors.",
        "Shortage: Arbetsförmedlingen's occupation barometer where AF assesses the "
        "occupation. Besides it a model (logistic regression shortage vs surplus, calibrated "
        "to AF) on the occupation's pay and pay growth against all occupations (SCB), age "
        "structure and replacement need (SCB) and job ads (AF, compiled by Lodefalk, Löthman, "
        "Koch, Engberg (2026), canaries-sweden, CC BY 4.0), tested by cross-validation grouped "
        "by AF's occupations. Its status is shown only if it beats every single signal and "
        "reaches AUC 0.75, and where the occupation's data and confidence suffice; otherwise "
        "'no assessment'. Occupation size is not an input.",
    ],
}


def p(key: str, lang: str, **values: object) -> str:
    return PHRASES[key][lang].format(**values)
