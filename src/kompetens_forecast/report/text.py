"""Words used in charts and tables, in Swedish (default) and English."""

from __future__ import annotations

from typing import Final

TEXT: Final[dict[str, dict[str, str]]] = {
    "largest_title": {
        "sv": "Största yrkesgrupperna i {region} {year}",
        "en": "Largest occupations in {region}, {year}",
    },
    "employed": {"sv": "Antal anställda", "en": "Employees"},
    "change_title": {
        "sv": "Yrken som ökat och minskat mest i {region} {start}–{end}",
        "en": "Occupations that grew and shrank the most in {region}, {start}–{end}",
    },
    "change_axis": {
        "sv": "Förändring {start}–{end}, antal anställda (justerat för seriebrott)",
        "en": "Change {start}–{end}, employees (adjusted for series breaks)",
    },
    "lq_title": {
        "sv": "Yrken som är överrepresenterade i {region} jämfört med riket {year}",
        "en": "Occupations over-represented in {region} compared with Sweden, {year}",
    },
    "lq_axis": {
        "sv": "Lokaliseringskvot (1 = samma andel som i riket)",
        "en": "Location quotient (1 = same share as Sweden)",
    },
    "forecast_title": {
        "sv": "Prognos för de största yrkena i {region} till {end}",
        "en": "Forecast for the largest occupations in {region} to {end}",
    },
    "forecast_legend_history": {"sv": "Utfall", "en": "Observed"},
    "forecast_legend_adjusted": {
        "sv": "Utfall justerat för seriebrott",
        "en": "Observed, adjusted for series breaks",
    },
    "forecast_legend_forecast": {"sv": "Prognos", "en": "Forecast"},
    "forecast_legend_interval": {"sv": "80 % prognosintervall", "en": "80 % prediction interval"},
    "municipalities_title": {
        "sv": "Anställda per kommun i {region} {year}",
        "en": "Employees by municipality in {region}, {year}",
    },
    "subregions_title": {
        "sv": "Anställda per delregion i {region} {year}",
        "en": "Employees by sub-region in {region}, {year}",
    },
    "matching_title": {
        "sv": "Matchningsgrad i {region}: andel förvärvsarbetande med matchande utbildning",
        "en": "Matching grade in {region}: share of employed whose education matches their job",
    },
    "riket": {"sv": "Riket", "en": "Sweden"},
    "synthetic_banner": {
        "sv": "SYNTETISKA DEMODATA – inte officiell statistik",
        "en": "SYNTHETIC DEMO DATA – not official statistics",
    },
    "processing": {
        "sv": "Bearbetning: kompetens-forecast {version}",
        "en": "Processing: kompetens-forecast {version}",
    },
    "breaks_note": {
        "sv": "Seriebrott: {breaks}.",
        "en": "Series breaks: {breaks}.",
    },
    "synthetic_source": {
        "sv": "Syntetiska kommundata fördelade från SCB:s länsdata efter kommunernas "
        "folkmängd (SCB)",
        "en": "Synthetic municipal data allocated from SCB county data by municipal "
        "population (SCB)",
    },
    # --- titles that state the finding, and subtitles that say what is shown ---------------
    "largest_finding": {
        "sv": "{label} är det största yrket i {region} {year}",
        "en": "The largest occupation in {region} in {year}: {label}",
    },
    "largest_sub": {
        "sv": "Antal anställda i de {n} största yrkena (SSYK 2012) {year}.",
        "en": "Employees in the {n} largest occupations (SSYK 2012), {year}.",
    },
    "largest_sub_af": {
        "sv": "AF = Arbetsförmedlingens bedömning av rekryteringsläget (Yrkesbarometern, "
        "omgång {omgang}).",
        "en": "AF = Arbetsförmedlingen's assessment of the recruitment situation (Yrkesbarometer, "
        "round {omgang}).",
    },
    "largest_sub_af_national": {
        "sv": "Utan märke = länets egen bedömning, † = en större regions, * = AF:s bedömning "
        "för hela riket.",
        "en": "No mark = the county's own assessment, † = a wider region's, * = AF's assessment "
        "for Sweden as a whole.",
    },
    "paradox_explained": {
        "sv": "Paradox = brist trots många arbetssökande.",
        "en": "Paradox = shortage although many jobseekers.",
    },
    "change_finding_up": {
        "sv": "{label} ökade mest i {region} {start}–{end} ({value} anställda)",
        "en": "Largest increase in {region}, {start}–{end}: {label} ({value} employees)",
    },
    "change_finding_down": {
        "sv": "{label} minskade mest i {region} {start}–{end} ({value} anställda)",
        "en": "Largest decrease in {region}, {start}–{end}: {label} ({value} employees)",
    },
    "change_sub": {
        "sv": "Förändring i antal anställda {start}–{end}, justerat för seriebrott; "
        "yrken med minst {min} anställda. Förändring i procent inom parentes.",
        "en": "Change in employees {start}–{end}, adjusted for series breaks; occupations "
        "with at least {min} employees. Per cent change in brackets.",
    },
    "lq_finding": {
        "sv": "Yrket {label} är {lq} gånger så vanligt i {region} som i riket",
        "en": "The occupation {label} is {lq} times as common in {region} as in Sweden",
    },
    "lq_sub": {
        "sv": "Lokaliseringskvot {year}: yrkets andel av de anställda i regionen delat med "
        "andelen i riket (1 = samma andel). Yrken med minst {min} anställda.",
        "en": "Location quotient {year}: the occupation's share of employees in the region "
        "divided by its share in Sweden (1 = same share). Occupations with at least {min} "
        "employees.",
    },
    "subregions_finding": {
        "sv": "{name} har flest anställda i {region} {year}: {share} av alla anställda",
        "en": "{name} has the most employees in {region}, {year}: {share} of the total",
    },
    "subregions_sub": {
        "sv": "Anställda per {kind} {year} (arbetsställets läge).",
        "en": "Employees by {kind}, {year} (by workplace).",
    },
    "kind_kommun": {"sv": "kommun", "en": "municipality"},
    "kind_subregion": {"sv": "delregion", "en": "sub-region"},
    "groups_finding": {
        "sv": "Störst skillnad mot riket: {group} ({a} av de anställda i {region}, riket {b})",
        "en": "Largest difference from Sweden: {group} ({a} of employees in {region}, Sweden {b})",
    },
    "groups_sub": {
        "sv": "Andel av de anställda per yrkesområde (SSYK 2012, 1-siffernivå) {year}.",
        "en": "Share of employees by major occupational group (SSYK 2012, 1 digit), {year}.",
    },
    "lq_cut": {
        "sv": "Axeln är kapad vid {cap}: {label} har kvoten {lq}.",
        "en": "The axis is cut at {cap}: {label} has a quotient of {lq}.",
    },
    "women_majority": {"sv": "Kvinnor i majoritet", "en": "Women in the majority"},
    "men_majority": {"sv": "Män i majoritet (eller lika)", "en": "Men in the majority (or equal)"},
    "women_finding": {
        "sv": "Kvinnor är i majoritet i {n} av de {m} största yrkena i {region}",
        "en": "Women are the majority in {n} of the {m} largest occupations in {region}",
    },
    "women_sub": {
        "sv": "Andel kvinnor bland de anställda {year}, de {m} största yrkena.",
        "en": "Share of women among employees, {year}, the {m} largest occupations.",
    },
    "women_axis": {"sv": "Andel kvinnor", "en": "Share of women"},
    "trend_finding_up": {
        "sv": "Antalet anställda i {region} ökade med {pct} {start}–{end}, justerat för "
        "seriebrott (riket {riket})",
        "en": "Employment in {region} grew by {pct}, {start}–{end}, adjusted for series "
        "breaks (Sweden {riket})",
    },
    "trend_finding_down": {
        "sv": "Antalet anställda i {region} minskade med {pct} {start}–{end}, justerat för "
        "seriebrott (riket {riket})",
        "en": "Employment in {region} fell by {pct}, {start}–{end}, adjusted for series "
        "breaks (Sweden {riket})",
    },
    "trend_finding_riket": {
        "sv": "Antalet anställda i riket {direction} med {pct} {start}–{end}, justerat för "
        "seriebrott",
        "en": "Employment in Sweden {direction} by {pct}, {start}–{end}, adjusted for series "
        "breaks",
    },
    "trend_up": {"sv": "ökade", "en": "grew"},
    "trend_down": {"sv": "minskade", "en": "fell"},
    "groups_finding_riket": {
        "sv": "Största yrkesområdet i riket: {group} ({a} av de anställda)",
        "en": "The largest major group in Sweden: {group} ({a} of employees)",
    },
    "trend_sub": {
        "sv": "Antal anställda, index {start} = 100, justerat för seriebrott (2020 byte av "
        "registerkälla, 2023 16–69 år: nivåskiftena är borttagna). Prickad linje: regionen "
        "utan justering.",
        "en": "Employees, index {start} = 100, adjusted for series breaks (2020 change of "
        "register source, 2023 ages 16–69: the level shifts are removed). Dotted line: the "
        "region unadjusted.",
    },
    "fans_finding_up": {
        "sv": "Prognos till {end}: {label} väntas öka mest av de största yrkena i {region} ({pct})",
        "en": "Forecast to {end}: of the largest occupations in {region}, the strongest "
        "growth is expected for {label} ({pct})",
    },
    "fans_finding_stable": {
        "sv": "Prognos till {end}: ingen säkerställd förändring för de största yrkena i {region}",
        "en": "Forecast to {end}: no clear change for the largest occupations in {region}",
    },
    "fans_finding_down": {
        "sv": "Prognos till {end}: {label} väntas minska mest av de största yrkena i {region} "
        "({pct})",
        "en": "Forecast to {end}: of the largest occupations in {region}, the largest "
        "decrease is expected for {label} ({pct})",
    },
    "fans_sub": {
        "sv": "Utfall och prognos med 80 % prognosintervall. Träffsäkerhet mätt som om "
        "prognosen gjorts 2018–2022 med de data som då fanns, 1 år framåt: om den slog "
        "oförändrad nivå (förra årets värde) och dess typiska fel. Rubriken nämner en "
        "förändring bara där prognosen slog oförändrad nivå och intervallet inte rymmer "
        "dagens nivå.",
        "en": "Observed and forecast with 80 % prediction interval. Accuracy measured as if "
        "the forecast had been made in 2018–2022 with the data available then, 1 year ahead: "
        "whether it beat an unchanged level (last year's value) and its typical error. The "
        "title names a change only where the forecast beat an unchanged level and the "
        "interval leaves today's level out.",
    },
    "fans_accuracy": {
        "sv": "träffsäkrare än oförändrad nivå: {verdict}",
        "en": "more accurate than an unchanged level: {verdict}",
    },
    "fans_error": {"sv": "typiskt fel {pct}", "en": "typical error {pct}"},
    "model_damped_trend": {"sv": "dämpad trend", "en": "damped trend"},
    "model_share": {"sv": "andelsmodell", "en": "share model"},
    "model_naive": {"sv": "naiv", "en": "naive"},
    "matching_finding": {
        "sv": "Matchningsgrad i {region} {year}: {a} (riket {b})",
        "en": "Matching grade in {region}, {year}: {a} (Sweden {b})",
    },
    "matching_sub": {
        "sv": "Andel förvärvsarbetande vars utbildning matchar yrket, efter kön "
        "(heldragen: regionen, streckad: riket).",
        "en": "Share of employed whose education matches their occupation, by sex "
        "(solid: the region, dashed: Sweden).",
    },
    "shortage_finding": {
        "sv": "Arbetsförmedlingen bedömer brist i {n} av de {m} största yrkena i {region} "
        "({k} bedömda)",
        "en": "Arbetsförmedlingen assesses shortage in {n} of the {m} largest occupations in "
        "{region} ({k} assessed)",
    },
    "shortage_sub": {
        "sv": "AF:s yrkesbarometer{omgang}: utan märke = länets egen bedömning, † = en större "
        "regions, * = rikets; – = ingen bedömning. Modellen: egen status bara där den har "
        "belägg (med säkerhet 0–1); till höger yrkets tyngst vägande signaler.",
        "en": "Arbetsförmedlingen's occupation barometer{omgang}: no mark = the county's own "
        "assessment, † = a wider region's, * = the national one; – = no assessment. Model: its "
        "own status only where it has support (with confidence 0–1); right: the occupation's "
        "signals that weigh most.",
    },
    "shortage_none": {"sv": "ingen bedömning", "en": "no assessment"},
    "shortage_drivers": {"sv": "Signaler", "en": "Signals"},
    "shortage_no_cv": {
        "sv": "Modellen kunde inte prövas mot AF:s bedömningar.",
        "en": "The model could not be tested against AF's assessments.",
    },
    "shortage_withheld": {
        "sv": "På yrken den inte tränats på rangordnar modellen AF:s brist- och "
        "överskottsyrken rätt i {pct} av paren (korsvaliderat; 50 % = slump), inte bättre än "
        "{best} ensam ({best_pct}): den ger därför ingen egen bedömning.",
        "en": "On occupations it was not fitted on, the model ranks AF's shortage and surplus "
        "occupations correctly in {pct} of pairs (cross-validated; 50% = chance), no better "
        "than {best} alone ({best_pct}), so it gives no assessment of its own.",
    },
    "shortage_withheld_weak": {
        "sv": "På yrken den inte tränats på rangordnar modellen AF:s brist- och "
        "överskottsyrken rätt i {pct} av paren (korsvaliderat; 50 % = slump; {best} ensam "
        "{best_pct}), för osäkert för en egen bedömning.",
        "en": "On occupations it was not fitted on, the model ranks AF's shortage and surplus "
        "occupations correctly in {pct} of pairs (cross-validated; 50% = chance; {best} "
        "alone {best_pct}), too uncertain for an assessment of its own.",
    },
    "shortage_skilful": {
        "sv": "På yrken den inte tränats på rangordnar modellen AF:s brist- och "
        "överskottsyrken rätt i {pct} av paren (korsvaliderat; 50 % = slump; {best} ensam "
        "{best_pct}).",
        "en": "On occupations it was not fitted on, the model ranks AF's shortage and surplus "
        "occupations correctly in {pct} of pairs (cross-validated; 50% = chance; {best} "
        "alone {best_pct}).",
    },
    "signal_growth_5y": {"sv": "sysselsättningstillväxten", "en": "employment growth"},
    "signal_growth_1y": {"sv": "fjolårets förändring", "en": "last year's change"},
    "signal_pay_relative": {"sv": "lönenivån", "en": "the pay level"},
    "signal_pay_growth_3y": {"sv": "löneökningen på 3 år", "en": "3-year pay growth"},
    "signal_pay_growth_7y": {"sv": "löneökningen på 7 år", "en": "7-year pay growth"},
    "signal_pay_dispersion": {"sv": "lönespridningen", "en": "pay dispersion"},
    "signal_share_55plus": {"sv": "andelen 55+", "en": "the share aged 55+"},
    "signal_share_under30": {"sv": "andelen unga", "en": "the share under 30"},
    "signal_replacement_10y": {"sv": "ersättningsbehovet", "en": "the replacement need"},
    "signal_vacancies_per_employed": {
        "sv": "lediga jobb per anställd",
        "en": "vacancies per employee",
    },
    "signal_ads_growth_12m": {"sv": "annonsökningen på ett år", "en": "1-year ad growth"},
    "signal_ads_growth_36m": {"sv": "annonsökningen på tre år", "en": "3-year ad growth"},
    "signal_ads_per_employed": {"sv": "annonser per anställd", "en": "ads per employee"},
    "signal_log_tightness": {"sv": "jobb per sökande", "en": "jobs per jobseeker"},
    "signal_jobseekers_per_employed": {
        "sv": "arbetssökande per anställd",
        "en": "jobseekers per employee",
    },
    "shortage_model": {"sv": "Modell", "en": "Model"},
    "shortage_af": {"sv": "Arbetsförmedlingen", "en": "Arbetsförmedlingen"},
    "status_brist": {"sv": "brist", "en": "shortage"},
    "status_balans": {"sv": "balans", "en": "balance"},
    "status_överskott": {"sv": "överskott", "en": "surplus"},
    "status_paradox": {"sv": "paradox", "en": "paradox"},
    # --- age structure, recruitment need, pay, ads (report.charts_age/_pay/_ads) ------------
    "age_finding": {
        "sv": "{pct} av de anställda inom {label}{where} är 55 år eller äldre – högst andel "
        "bland de {m} största yrkena i {region}",
        "en": "{pct} of employees in {label}{where} are aged 55 or over – the highest share "
        "among the {m} largest occupations in {region}",
    },
    "age_where_riket": {"sv": " i riket", "en": " in Sweden"},
    "age_sub": {
        "sv": "Andel 55 år och äldre ({basis}, {year}) och förväntade avgångar bland de "
        "anställda i {region} inom 5 och 10 år, de {m} största yrkena. Avgångarna är beräknade "
        "från hur stor del av varje åldersgrupp som lämnat yrket på fem år (pension och byte "
        "av yrke).",
        "en": "Share aged 55 or over ({basis}, {year}) and expected exits among the employees "
        "in {region} within 5 and 10 years, the {m} largest occupations. Exits are estimated "
        "from the share of each age group that left the occupation over five years "
        "(retirement and change of occupation).",
    },
    "age_basis_riket": {
        "sv": "åldersstruktur för yrket i riket",
        "en": "age structure of the occupation in Sweden",
    },
    "age_basis_region": {
        "sv": "regionens egen åldersstruktur, SSYK-3-grupp",
        "en": "the region's own age structure, SSYK-3 group",
    },
    "age_axis": {"sv": "Andel 55 år och äldre", "en": "Share aged 55 or over"},
    "age_exits": {
        "sv": "{n5} avgångar på 5 år, {n10} på 10 år",
        "en": "{n5} exits in 5 years, {n10} in 10 years",
    },
    "openings_finding": {
        "sv": "{label} har störst rekryteringsbehov i {region} till {end}: omkring {n} personer",
        "en": "Largest recruitment need in {region} to {end}: {label}, about {n} people",
    },
    "openings_finding_exits": {
        "sv": "{label} väntas få flest avgångar i {region} till {end}: omkring {n} personer",
        "en": "Most expected exits in {region} to {end}: {label}, about {n} people",
    },
    "openings_sub": {
        "sv": "Rekryteringsbehov = förväntade avgångar + förändring enligt prognosen, "
        "{base}–{end5} (fylld stapel) och {base}–{end10} (ofylld stapel), de {m} yrken "
        "med störst behov på fem år.",
        "en": "Recruitment need = expected exits + forecast change, {base}–{end5} (filled bar) "
        "and {base}–{end10} (outlined bar), the {m} occupations with the largest five-year "
        "need.",
    },
    "openings_sub_exits_only": {
        "sv": "Prognosen når till {fc_end}: för tio år visas bara avgångarna "
        "(forecast run --horizon 10 ger även förändringen).",
        "en": "The forecast reaches {fc_end}: for ten years only the exits are shown "
        "(forecast run --horizon 10 adds the change).",
    },
    "openings_sub_scenario": {
        "sv": "Förändringen efter {end5} är ett scenario: prognoser bortom fem år är inte "
        "utvärderade.",
        "en": "The change after {end5} is a scenario: forecasts beyond five years are not "
        "evaluated.",
    },
    "openings_sub_riket": {
        "sv": "Avgångarna bygger på yrkets åldersstruktur i riket.",
        "en": "Exits are based on the occupation's age structure in Sweden.",
    },
    "openings_sub_title": {
        "sv": "Rubriken nämner behovet bara där prognosen varit träffsäkrare än oförändrad nivå.",
        "en": "The title names the need only where the forecast beat an unchanged level.",
    },
    "openings_replacement": {
        "sv": "Avgångar (pension, byte av yrke)",
        "en": "Exits (retirement, change of occupation)",
    },
    "openings_expansion": {"sv": "Ökning enligt prognos", "en": "Forecast growth"},
    "openings_decline": {
        "sv": "Minskning enligt prognos, dras av",
        "en": "Forecast decline, subtracted",
    },
    "openings_ten": {"sv": "Ofylld stapel: 10 år", "en": "Outlined bar: 10 years"},
    "openings_5y": {"sv": "5 år: {n}", "en": "5 years: {n}"},
    "openings_10y": {"sv": "10 år: {n}", "en": "10 years: {n}"},
    "openings_10y_exits": {"sv": "10 år: {n} avgångar", "en": "10 years: {n} exits"},
    "pay_finding": {
        "sv": "{n} av de {m} största yrkena i {region} har lägre medellön än snittet för alla "
        "yrken i {area} ({avg} kr i månaden)",
        "en": "{n} of the {m} largest occupations in {region} earn less on average than all "
        "occupations in {area} (SEK {avg} a month)",
    },
    "pay_finding_all": {
        "sv": "Alla de {m} största yrkena i {region} har lägre medellön än snittet för alla "
        "yrken i {area} ({avg} kr i månaden)",
        "en": "All of the {m} largest occupations in {region} earn less on average than all "
        "occupations in {area} (SEK {avg} a month)",
    },
    "pay_sub": {
        "sv": "Genomsnittlig månadslön {year} omräknad till heltid, alla sektorer, kvinnor och "
        "män, de {m} största yrkena i {region}.",
        "en": "Average monthly pay {year}, full-time equivalent, all sectors, women and men, "
        "the {m} largest occupations in {region}.",
    },
    "pay_sub_area": {
        "sv": "SCB redovisar lön per riksområde, inte per län: {area} är riksområdet {region} "
        "ligger i.",
        "en": "SCB publishes pay by NUTS-2 region, not by county: {area} is the one {region} "
        "lies in.",
    },
    "pay_axis": {
        "sv": "Medellön, kronor per månad (heltid)",
        "en": "Average pay, SEK per month (full time)",
    },
    "pay_all": {"sv": "Alla yrken, {where}", "en": "All occupations, {where}"},
    "pay_area_legend": {"sv": "{area} (riksområde)", "en": "{area} (NUTS 2)"},
    "ads_finding_down": {
        "sv": "Platsannonserna i {where} var {pct} färre {last} än toppåret {peak}",
        "en": "Job ads in {where} were {pct} fewer in {last} than in the peak year {peak}",
    },
    "ads_finding_up": {
        "sv": "Platsannonserna i {where} ökade med {pct} från {first} till {last}",
        "en": "Job ads in {where} rose by {pct} from {first} to {last}",
    },
    "ads_sub": {
        "sv": "Publicerade annonser per år i Arbetsförmedlingens Platsbanken, hela år "
        "{first}–{last}: alla yrken och de {k} största yrkena i {region}.",
        "en": "Ads published per year on Arbetsförmedlingen's Platsbanken, whole years "
        "{first}–{last}: all occupations and the {k} largest occupations in {region}.",
    },
    "ads_sub_riket": {
        "sv": "Annonserna gäller hela riket (regionens egna när forecast fetch --dataset "
        "job_ads_history har hämtat dem).",
        "en": "The ads are Sweden's (the region's own once forecast fetch --dataset "
        "job_ads_history has fetched them).",
    },
    "ads_all": {"sv": "Alla yrken", "en": "All occupations"},
    "persons": {"sv": "Antal personer", "en": "People"},
}


def t(key: str, lang: str, **values: object) -> str:
    return TEXT[key][lang].format(**values)


# how a chart marks the level of AF's assessment beside its label (explained in the subtitle)
AF_LEVEL_MARKS = {"national": "*", "wider": "†", "county": ""}


def status_word(status: str, lang: str) -> str:
    """AF's / the model's status label in `lang` (AF's own Swedish words in sv)."""
    key = f"status_{status}"
    return TEXT[key][lang] if key in TEXT else status


def mid(label: object, lang: str) -> str:
    """An occupation label inside a Swedish sentence: lower-case first letter ('undersköterskor'),
    unless it starts an acronym ('IT-arkitekter')."""
    text = str(label)
    if lang == "sv" and len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text
