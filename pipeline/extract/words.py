"""English words the quantities stage reads: number words, scale words, periods, unit
spellings, direction words, and the small closed word lists that tell an amount from an
identifier.

This is language, not world knowledge: what units *are* lives in ``rules/units.txt`` (read
through the run's pint registry), how currencies are written in ``rules/currencies.yaml``
and how hedges widen a figure in ``rules/precision.yaml``. Newsroom spellings of units
("hp", "lb-ft", "mAh") are preprocessing, mapped here to pint's names (STYLE.md), never new
units.
"""

from __future__ import annotations

# -- numbers ---------------------------------------------------------------------------------
ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALE_WORDS = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "lakh": 1e5,
    "crore": 1e7, "quadrillion": 1e15,
}
# "Rs 87621.80 millions", "Rs 1.17 lakh crore": plural or compound scale words after digits
SCALE_PLURALS = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12,
                 "lakhs": 1e5, "crores": 1e7}
# Abbreviations glued to a number ("$1.25B", "10k") or, for the unambiguous ones, after a
# space ("$5 bn").
SCALE_ABBR = {
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mn": 1e6, "mln": 1e6, "MM": 1e6, "mil": 1e6,
    "b": 1e9, "B": 1e9, "bn": 1e9, "bln": 1e9, "Bn": 1e9, "BN": 1e9, "T": 1e12, "tn": 1e12,
    "trn": 1e12, "Tn": 1e12, "tr": 1e12, "cr": 1e7, "Cr": 1e7,
}
SPACED_ABBR = {"bn", "mn", "mln", "bln", "tn", "trn", "Bn", "BN", "Tn", "cr", "Cr", "mil"}
# Misspellings are found by edit distance to these (see figures._misspelled_scale).
SCALE_SPELLINGS = ("thousand", "million", "billion", "trillion")
# Vague plural amounts, as order-of-magnitude intervals: "tens of thousands" -> [1e4, 1e5].
VAGUE_HEADS = {"tens": (10, 100), "dozens": (24, 144), "hundreds": (100, 1000),
               "scores": (40, 200)}
VAGUE_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
FEW = {"several": (3, 10), "few": (2, 10), "couple": (2, 3)}
# "multimillion", "double-digit": the prefix names an order of magnitude
VAGUE_PREFIXES = {"multimillion": (1e6, 1e7), "multibillion": (1e9, 1e10),
                  "multitrillion": (1e12, 1e13), "multi-million": (1e6, 1e7),
                  "multi-billion": (1e9, 1e10)}
FRACTIONS = {
    "half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
    "quarters": 0.25, "fourth": 0.25, "fourths": 0.25, "fifth": 0.2, "fifths": 0.2,
    "sixth": 1 / 6, "sixths": 1 / 6, "seventh": 1 / 7, "sevenths": 1 / 7, "eighth": 0.125,
    "eighths": 0.125, "ninth": 1 / 9, "ninths": 1 / 9, "tenth": 0.1, "tenths": 0.1,
    "hundredth": 0.01, "hundredths": 0.01, "thousandth": 1e-3, "thousandths": 1e-3,
    "millionth": 1e-6, "millionths": 1e-6, "billionth": 1e-9, "billionths": 1e-9,
}
VULGAR_FRACTIONS = {
    "½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4, "⅗": 0.6,
    "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875,
}
MULTIPLES = {"twice": 2.0, "thrice": 3.0}

# -- periods -------------------------------------------------------------------------------
# Reporting periods: the pint unit a rate or duration word names.
PERIODS = {
    "second": "second", "sec": "second", "minute": "minute", "min": "minute",
    "hour": "hour", "hr": "hour", "day": "day", "week": "week", "wk": "week",
    "month": "month", "mo": "month", "quarter": "fiscal_quarter", "year": "year",
    "yr": "year", "annum": "year", "decade": "decade_of_years", "century": "century",
    "fortnight": "fortnight", "millennium": "millennium",
}
PERIOD_PLURALS = {"centuries": "century", "millennia": "millennium"}
PERIOD_ADVERBS = {
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "fiscal_quarter",
    "annually": "year", "annual": "year", "yearly": "year", "hourly": "hour",
}

# -- units -----------------------------------------------------------------------------------
DIMENSION_ADJ = ("long", "wide", "tall", "high", "deep", "away", "across", "thick", "longer",
                 "wider", "taller", "higher", "deeper", "thicker", "shorter", "lower")
# Symbols, case-sensitive, after a number (glued or spaced); -> pint unit names.
UNIT_SYMBOLS = {
    "m": "meter",
    "W": "watt", "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt", "TW": "terawatt",
    "mW": "milliwatt", "Wh": "watt_hour", "kWh": "kilowatt_hour", "MWh": "megawatt_hour",
    "GWh": "gigawatt_hour", "TWh": "terawatt_hour", "km": "kilometer", "cm": "centimeter",
    "mm": "millimeter", "nm": "nanometer", "µm": "micrometer", "μm": "micrometer",
    "kg": "kilogram", "mg": "milligram", "µg": "microgram", "μg": "microgram",
    "lb": "pound", "lbs": "pound", "oz": "ounce", "ft": "foot", "yd": "yard", "yds": "yard",
    "in": "inch",
    "mi": "mile", "mph": "mile_per_hour", "kph": "kilometer_per_hour",
    "kmh": "kilometer_per_hour", "kmph": "kilometer_per_hour",
    "GB": "gigabyte", "TB": "terabyte", "PB": "petabyte", "MB": "megabyte", "KB": "kilobyte",
    "kB": "kilobyte", "Gb": "gigabit", "Mb": "megabit", "Kb": "kilobit", "kb": "kilobit",
    "Gbps": "gigabit / second", "Mbps": "megabit / second", "kbps": "kilobit / second",
    "GHz": "gigahertz", "MHz": "megahertz", "kHz": "kilohertz", "Hz": "hertz",
    "THz": "terahertz", "ha": "hectare", "hrs": "hour", "mins": "minute", "secs": "second",
    "yrs": "year", "°C": "degree_Celsius", "°F": "degree_Fahrenheit", "℃": "degree_Celsius",
    "℉": "degree_Fahrenheit", "degC": "degree_Celsius", "degF": "degree_Fahrenheit",
    "kV": "kilovolt", "V": "volt", "mV": "millivolt", "A": "ampere", "mA": "milliampere",
    "kcal": "kilocalorie", "cal": "calorie", "Cal": "kilocalorie", "kJ": "kilojoule",
    "MJ": "megajoule", "J": "joule", "N": "newton", "kN": "kilonewton",
    "hp": "horsepower", "bhp": "horsepower", "HP": "horsepower", "PS": "metric_horsepower",
    "Nm": "newton * meter", "N·m": "newton * meter", "N-m": "newton * meter",
    "lb-ft": "pound_force * foot", "lb.-ft.": "pound_force * foot",
    "ft-lb": "foot * pound_force", "ft-lbs": "foot * pound_force",
    "MPa": "megapascal", "kPa": "kilopascal", "GPa": "gigapascal", "Pa": "pascal",
    "hPa": "hectopascal", "psi": "psi", "bar": "bar", "mbar": "millibar",
    "mAh": "milliampere_hour", "Ah": "ampere_hour",
    "rpm": "revolutions_per_minute", "RPM": "revolutions_per_minute",
    "mpg": "mile / gallon", "MPG": "mile / gallon", "bpm": "1 / minute",
    "eV": "electron_volt", "keV": "kiloelectron_volt", "MeV": "megaelectron_volt",
    "GeV": "gigaelectron_volt", "TeV": "teraelectron_volt",
    "ml": "milliliter", "mL": "milliliter", "cl": "centiliter", "dl": "deciliter",
    "L": "liter", "l": "liter", "gal": "gallon", "cc": "cubic_centimeter",
    "bbl": "barrel", "mb/d": "megabarrel / day", "bpd": "barrel / day",
    "tsp": "teaspoon", "tbsp": "tablespoon", "fl oz": "fluid_ounce",
    "AU": "astronomical_unit", "ly": "light_year", "kpc": "kiloparsec",
    "Mpc": "megaparsec", "Ma": "megayear", "Ga": "gigayear", "kyr": "kiloyear",
    "Myr": "megayear", "Gyr": "gigayear",
    "Gy": "gray", "mGy": "milligray", "Sv": "sievert", "mSv": "millisievert",
    "µSv": "microsievert", "dB": "decibel", "dBA": "decibel", "K": "kelvin",
    "km²": "square_kilometer", "km2": "square_kilometer", "m²": "square_meter",
    "m2": "square_meter", "m³": "cubic_meter", "m3": "cubic_meter",
    "ft²": "square_foot", "ft2": "square_foot", "sq ft": "square_foot",
    "sq mi": "square_mile", "sq km": "square_kilometer", "sq m": "square_meter",
    "km³": "kilometer ** 3", "km3": "kilometer ** 3", "cm³": "cubic_centimeter",
    "kt": "knot", "kts": "knot", "kn": "knot", "MP": "megapixel", "mmHg": "millimeter_Hg",
    "ppm": "ppm", "ppb": "ppb", "bps": "basis_point", "bp": "basis_point",
    "mmol/L": "millimole / liter", "mg/dL": "milligram / deciliter",
    "g/km": "gram / kilometer", "Wh/kg": "watt_hour / kilogram", "km/h": "kilometer_per_hour",
    "km/hr": "kilometer_per_hour", "m/s": "meter / second", "l/km": "liter / kilometer",
    "t": "metric_ton", "g": "gram", "h": "hour", "s": "second", "″": "inch", "′": "foot",
    '"': "inch", "”": "inch", "'": "foot", "’": "foot", "°": "degree",
    # look-alikes of the degree sign: ordinal indicator, superscript zero, ring above
    "º": "degree", "⁰": "degree", "˚": "degree", "ºC": "degree_Celsius", "⁰C": "degree_Celsius",
    "˚C": "degree_Celsius", "ºF": "degree_Fahrenheit", "⁰F": "degree_Fahrenheit",
    "˚F": "degree_Fahrenheit",
    "tpd": "metric_ton / day",
}
# Symbols that count as a unit only when glued to the number ("199g", "24h", "2L", "5t"),
# never after a space, where they are words or letters ("5 g", "a 7 s").
GLUED_ONLY = frozenset({"m", "p", "g", "h", "s", "t", "l", "L", "A", "N", "J", "K", "V",
                        "W", "″", "′", '"', "”", "'", "’", "°", "º", "⁰", "˚", "cal", "in",
                        "pc", "bar",
                        "ly", "kt", "kn", "Ma", "Ga", "MP", "PS", "HP", "bp"})
# Letters after a number that read as a temperature ("-10C", "30 C", "98.6F", "1.7deg C")
TEMPERATURE_LETTERS = {"C": "degree_Celsius", "F": "degree_Fahrenheit"}

# Spelled unit names (singular, lower case; several words joined by one space or a hyphen).
# pint resolves other spelled names itself ("furlong", "pascal", "parsec"); these are the
# ones it does not know, spells differently, or would read wrongly.
UNIT_WORDS = {
    "kilowatt-hour": "kilowatt_hour", "megawatt-hour": "megawatt_hour",
    "gigawatt-hour": "gigawatt_hour", "terawatt-hour": "terawatt_hour",
    "kilowatt hour": "kilowatt_hour", "megawatt hour": "megawatt_hour",
    "gigawatt hour": "gigawatt_hour", "terawatt hour": "terawatt_hour",
    "watt hour": "watt_hour", "watt-hour": "watt_hour",
    "metre": "meter", "kilometre": "kilometer", "centimetre": "centimeter",
    "millimetre": "millimeter", "nanometre": "nanometer", "micrometre": "micrometer",
    "kilo": "kilogram", "tonne": "metric_ton", "metric ton": "metric_ton",
    "short ton": "ton", "long ton": "long_ton", "litre": "liter", "millilitre": "milliliter",
    "centilitre": "centiliter", "decilitre": "deciliter",
    "cubic metre": "cubic_meter", "cubic meter": "cubic_meter",
    "square mile": "square_mile", "square kilometre": "square_kilometer",
    "square kilometer": "square_kilometer", "square foot": "square_foot",
    "square feet": "square_foot", "square metre": "square_meter", "square meter": "square_meter",
    "square yard": "square_yard", "square inch": "square_inch",
    "cubic foot": "cubic_foot", "cubic feet": "cubic_foot", "cubic yard": "cubic_yard",
    "cubic inch": "cubic_inch", "cubic kilometre": "kilometer ** 3",
    "cubic kilometer": "kilometer ** 3", "cubic centimetre": "cubic_centimeter",
    "cubic centimeter": "cubic_centimeter", "cubic cm": "cubic_centimeter",
    "cubic mile": "mile ** 3",
    "degree celsius": "degree_Celsius", "degree fahrenheit": "degree_Fahrenheit",
    "degree centigrade": "degree_Celsius", "degree kelvin": "kelvin",
    "celsius": "degree_Celsius", "fahrenheit": "degree_Fahrenheit", "centigrade": "degree_Celsius",
    # common misspellings of the scales ("1.5 degrees Celcius")
    "celcius": "degree_Celsius", "degree celcius": "degree_Celsius",
    "farenheit": "degree_Fahrenheit", "degree farenheit": "degree_Fahrenheit",
    "deg c": "degree_Celsius", "deg f": "degree_Fahrenheit", "deg": "degree",
    "mile per hour": "mile_per_hour", "miles an hour": "mile_per_hour",
    "kilometre per hour": "kilometer_per_hour", "kilometer per hour": "kilometer_per_hour",
    "kilometres an hour": "kilometer_per_hour", "kilometers an hour": "kilometer_per_hour",
    "mile per gallon": "mile / gallon", "miles a gallon": "mile / gallon",
    "calorie": "kilocalorie", "kilocalorie": "kilocalorie",
    "percentage point": "percentage_point", "basis point": "basis_point",
    "light year": "light_year", "light-year": "light_year",
    "astronomical unit": "astronomical_unit",
    "pound-foot": "pound_force * foot", "pound-feet": "pound_force * foot",
    "pound foot": "pound_force * foot", "pound feet": "pound_force * foot",
    "lb-ft": "pound_force * foot", "foot-pound": "foot * pound_force",
    "newton-metre": "newton * meter", "newton-meter": "newton * meter",
    "newton metre": "newton * meter", "newton meter": "newton * meter",
    "fluid ounce": "fluid_ounce", "troy ounce": "troy_ounce",
    "british thermal unit": "british_thermal_unit", "megapixel": "megapixel",
    "barrel per day": "barrel / day", "barrels a day": "barrel / day",
    "part per million": "ppm", "part per billion": "ppb", "part per trillion": "ppt",
    "horsepower": "horsepower", "brake horsepower": "horsepower",
    "revolution per minute": "revolutions_per_minute",
    "sq mile": "square_mile", "sq foot": "square_foot", "sq feet": "square_foot",
    "gigaannum": "gigayear", "megaannum": "megayear",
    # common units spelled out: pint knows them, but they are also common English words, and
    # only rare words go to pint unchecked (see figures.Parser.physical)
    "mile": "mile", "foot": "foot", "inch": "inch", "yard": "yard", "meter": "meter",
    "kilometer": "kilometer", "centimeter": "centimeter", "millimeter": "millimeter",
    "pound": "pound", "ounce": "ounce", "gram": "gram", "kilogram": "kilogram", "ton": "ton",
    "gallon": "gallon", "liter": "liter", "pint": "pint", "quart": "quart", "cup": "cup",
    "tablespoon": "tablespoon", "teaspoon": "teaspoon", "barrel": "barrel", "acre": "acre",
    "hectare": "hectare", "knot": "knot", "watt": "watt", "kilowatt": "kilowatt",
    "megawatt": "megawatt", "gigawatt": "gigawatt", "terawatt": "terawatt", "volt": "volt",
    "kilovolt": "kilovolt", "joule": "joule", "newton": "newton", "pascal": "pascal",
    "kelvin": "kelvin", "hertz": "hertz", "byte": "byte", "megabyte": "megabyte",
    "gigabyte": "gigabyte", "terabyte": "terabyte", "petabyte": "petabyte",
    "exabyte": "exabyte", "gigahertz": "gigahertz", "megahertz": "megahertz",
    "milligram": "milligram", "microgram": "microgram", "milliliter": "milliliter",
    "nanometer": "nanometer", "micrometer": "micrometer", "parsec": "parsec",
    "decibel": "decibel", "lumen": "lumen", "lux": "lux", "amp": "ampere", "ampere": "ampere",
    "carat": "carat", "stone": "stone", "bushel": "bushel", "furlong": "furlong",
}
IRREGULAR_UNIT_PLURALS = {"feet": "foot", "inches": "inch", "degrees": "degree",
                          "centuries": "century", "millennia": "millennium",
                          "calories": "calorie", "kilocalories": "kilocalorie"}
# Nouns ending in "-ie": their plural is "-ies", not "-y" + "ies" ("movies", "goalies")
IE_NOUNS = frozenset("""
movie cookie calorie rookie zombie hippie selfie smoothie goalie freebie pixie brownie
prairie lorie genie sortie birdie eerie hoodie newbie foodie veggie walkie talkie auntie
budgie bookie junkie groupie techie yuppie
""".split())
# pint names that are ordinary counted nouns in news: "30 points" (sport), "2 turns", "12
# lines", "3 hands", "a 5-point lead"; never read as units. "bits", "bytes" stay units.
NOT_UNITS = frozenset("""
point turn hand line link chain span pole rod perch grain drop cycle count gross dozen score
pair set stone bag are bar barn degree square cubic number unit sheet mark standard atom
bit nit rad rem gal tex den pace step mil board shake sack block lot stere block cord
speed force mass length gram-force pixel dot sample rack foot-candle gauge reading tick
wave week month year day hour minute second quarter decade century fortnight millennium
percent shot league gill peck rad rem curie pica bar barn gray
""".split())
PERCENT_WORDS = (("per", "cent"), ("percent",), ("pct",), ("pc",), ("%",), ("per", "centum"),
                 ("percentage", "points"), ("percentage", "point"))
PERCENT_POINT_WORDS = (("percentage", "points"), ("percentage", "point"), ("pts",),
                       ("ppts",), ("pp",))

# -- counted nouns -------------------------------------------------------------------------
# Words that end a counted-noun search, and words that may stand between a number and its
# counted noun ("555,000 Nvidia GPUs", "200 million regular users").
STOP = frozenset("""
a an the of in on at to for with by from and or but nor so than then as that which who whom
whose this these those it its their his her our your my is are was were be been being has have
had will would can could should may might must shall do does did not no yes also only just
per each every about around over under up down out off into onto upon after before since
until while if when where why how all any both either neither more most less least much many
such same other another than very too again ever never already still yet there here
""".split())
NOT_PLURAL = frozenset("""
is was has does this thus its his hers ours yours theirs as us yes always perhaps unless less
across whereas besides towards afterwards plus minus versus bus gas news series species
analysis basis crisis process business success access progress status campus bonus virus
census chaos lens alas famous various previous serious anonymous numerous enormous tremendous
axis tennis thesis diagnosis emphasis hypothesis synthesis whereas
""".split())
# Plurals a suffix rule gets wrong.
IRREGULAR_PLURALS = {
    "people": "person", "children": "child", "women": "woman", "men": "man", "teeth": "tooth",
    "feet": "foot", "mice": "mouse", "geese": "goose", "vertebrae": "vertebra",
    "larvae": "larva", "antennae": "antenna", "criteria": "criterion",
    "phenomena": "phenomenon", "bacteria": "bacterium", "data": "data", "media": "medium",
    "indices": "index", "matrices": "matrix", "vertices": "vertex", "analyses": "analysis",
    "crises": "crisis", "theses": "thesis", "oases": "oasis", "leaves": "leaf",
    "lives": "life", "wives": "wife", "knives": "knife", "wolves": "wolf", "halves": "half",
    "calves": "calf", "shelves": "shelf", "thieves": "thief", "loaves": "loaf",
    "dice": "die", "oxen": "ox", "lice": "louse", "fungi": "fungus", "cacti": "cactus",
    "nuclei": "nucleus", "stimuli": "stimulus", "alumni": "alumnus", "radii": "radius",
}
# Nouns ending in "-oe": their plural is "-oes", not "-o" + "es"
OE_NOUNS = frozenset("shoe toe hoe canoe oboe floe foe sloe throe woe tiptoe horseshoe".split())
# Nouns whose plural is the singular: "8.7 million species", "735 aircraft".
INVARIANT_NOUNS = frozenset("""
species aircraft spacecraft sheep deer fish cattle personnel police offspring crew series
staff livestock moose swine salmon trout bison
""".split())
# Plural-looking nouns that usually modify the noun after them: "237 data breaches",
# "5.9m payments cards", "12 sales offices"
# Nouns naming a point on a measuring scale, written singular beside the number, before or
# after it: "a magnitude 6.4 quake", "a magnitude-6.4 quake", "a magnitude of 6.3", "a 6.3
# magnitude earthquake" (a count noun otherwise needs a plural: "6.3 quakes").
SCALE_NOUNS = frozenset({"magnitude"})
# Named scales a number is "on": "6.3 on the Richter scale" -> the point of that noun.
NAMED_SCALES = {"richter": "magnitude"}
MODIFIER_NOUNS = frozenset("""
data media sales sports arms goods savings earnings services payments securities
electronics news communications customs systems operations
""".split())
CHANGE_VERBS = frozenset("""
rose rise rises rising risen fell fall falls falling fallen increased increase increases
increasing decreased decrease decreases decreasing grew grow grows growing grown dropped drop
drops dropping climbed climb climbs climbing jumped jump jumps jumping cut cuts cutting
raised raise raises raising lowered lower lowers lowering reduced reduce reduces reducing
slipped slip slips slid slide slides surged surge surges soared soar soars plunged plunge
plunges declined decline declines declining expanded expand expands shrank shrink shrinks
lifted lift lifts boosted boost boosts revised revise moved move moves went go goes changed
change changes slashed slash hiked hike hikes narrowed narrow widened widen doubled tripled
gained gain gains lost lose loses losing added add adds shed sheds tumbled tumble sank sink
sinks advanced advance advances dipped dip dips eased ease eases retreated retreat rallied
rally improved improve deteriorated weakened strengthened firmed softened up down
""".split())
# Direction words: a figure right after one of these is the size of a rise or a fall ("rose
# 3.4 per cent", "a decline of 6 million barrels", "cutting 12,000 jobs"), not a level.
UP_WORDS = frozenset("""
rose rise rises rising risen up increased increase increases increasing grew grow grows
growing grown growth climbed climb climbs climbing jumped jump jumps jumping surged surge
surges surging soared soar soars soaring gained gain gains gaining added adds adding
advanced advance advances advancing rallied rally rallies rallying raised raise raises
raising hiked hike hikes hiking boosted boost boosts boosting lifted lift lifts lifting
expanded expand expands expanding improved improve improves improving firmed firmer higher
stronger spiked spike spikes zoomed zoom rocketed skyrocketed jumped accelerated upgrade
upgraded appreciated appreciate strengthened widened widening widen added warmed warms
heated
""".split())
# verbs that are a change only with "by": "the world will warm by 2.9C", "cool by 3 degrees"
UP_BY = frozenset("warm heat".split())
DOWN_BY = frozenset("cool".split())
DOWN_WORDS = frozenset("""
fell fall falls falling fallen down decreased decrease decreases decreasing declined decline
declines declining dropped drop drops dropping lost lose loses losing shed sheds
shedding slipped slip slips slipping slid slide slides sliding tumbled tumble tumbles
tumbling plunged plunge plunges plunging sank sink sinks sinking dipped dip dips dipping
eased ease eases easing retreated retreat retreats retreating cut cuts cutting slashed slash
slashes slashing reduced reduce reduces reducing reduction lowered lower lowers lowering
shrank shrink shrinks shrinking shrunk contracted contract contracts contracting weakened
weaker softer weakening depreciated depreciate depreciates depreciating off eliminated
eliminating eliminate eliminates trimmed trim trims trimming downgraded narrowed narrowing
narrow plummeted plummet plummets plummeting crashed slumped slump slumps sagged decline
shaved shave erased wiped dived dove tanked cooled cools
""".split())
# Phrasal verbs whose particle reads the other way: "gave up 25.16 points" is a fall
DOWN_BEFORE_UP = frozenset("gave give gives giving given".split())
# After the figure: "0.27 per cent higher", "2.58 per cent up at", "10.7% down on last year"
AFTER_UP = frozenset("higher up stronger firmer ahead".split())
AFTER_DOWN = frozenset("lower down weaker softer off behind".split())
# Nouns of change that take "of": "a rise of 11 paise", "a decline of about 6 million barrels"
UP_NOUNS = frozenset("""
rise increase gain growth jump surge hike boost climb rally upgrade upswing expansion
""".split())
DOWN_NOUNS = frozenset("""
fall decrease decline drop cut reduction slump dip plunge contraction shrinkage loss
""".split())
# Words that put a level after a change verb: "rose to $44.33", "fell from 12 to 9"
LEVEL_WORDS = frozenset("to at from of".split())
# Words before a number that make it an identifier or a rank, not an amount.
IDENTIFIER_WORDS = frozenset("""
top no number rank ranked version v chapter section page room flight route model article
season episode phase stage round game tier series type category class gen generation step
item line act part volume vol issue figure table rule amendment district ward platform gate
terminal exit pier apartment suite grade level step bay lane highway interstate week day
week-
""".split())
CAPITALISED_FUNCTION_WORDS = frozenset("""
The A An About Around Over Some Nearly Only Just Almost Roughly More Fewer Less At In On By Of
For With All Another Those These Its His Her Their Our And But Up Under Approximately When
After Before Since Until From To Between Each Every Some Another Than That Total Nearly Just
Still Even Another Those Exactly Precisely Estimated An Roughly Around Barely Fully Maybe
Perhaps Only Like Then Now Almost Upwards Above Below Below Is Was Were Are Be Has Had Have
Will Would Could Should May Might Must Can Rose Fell Up Down Lost Gained Added Cut Cuts Of
Some Nearly Down Plus Minus Rs RM
""".split())
ATTACH_OVER = ("over", "across", "spanning")
# "12 times its revenue", "three times as many": a multiple, not a count of occasions
MULTIPLIER_NEXT = ("its", "the", "their", "his", "her", "that", "as", "more", "higher",
                   "larger", "bigger", "greater", "faster", "what", "our", "less", "smaller",
                   "lower", "slower", "cheaper", "heavier", "longer", "stronger", "wider")
# words that make a bare number a score or rating, not an amount of anything
SIGN_WORDS = {"minus": -1.0, "negative": -1.0, "plus": 1.0}
# Golf: a sentence with one of these words reads its scores as strokes ("a three-under 68",
# "11 under par", "minus-12", "finished four back", "won by two")
GOLF_WORDS = frozenset("""
par birdie birdies birdied bogey bogeys bogeyed eagle eagles putt putts putted golf golfer
golfers pga lpga fairway fairways leaderboard stroke strokes under-par over-par hole holes
""".split())
# verbs and nouns that put a golf score after them ("shot 80", "posting a 68", "rounds of 68")
GOLF_SCORE_BEFORE = frozenset("""
shot shoots shooting posted posting posts carded carding cards fired firing fires scored
scoring closed opened round rounds total with a an
""".split())
# after a golf margin: "finished four back", "three behind", "two strokes clear"
GOLF_MARGIN_AFTER = frozenset("back behind clear ahead".split())
# before "by" and a golf margin: "won by two", "led by three"
GOLF_MARGIN_VERBS = frozenset("""
won win wins winning lead leads leading led trail trails trailed
""".split())
# words after a counted noun that are no noun themselves: "one stroke ahead", "a point clear"
ADVERBS_AFTER_NOUN = frozenset("""
ahead behind back apart clear away short later earlier ago apiece each left remaining last
next
""".split())
# The temperature scales after "degrees", misspellings included ("degrees Celcius")
CELSIUS_WORDS = frozenset("celsius centigrade celcius c".split())
FAHRENHEIT_WORDS = frozenset("fahrenheit farenheit f".split())
# Sports rates written as one abbreviation after the figure: "9.1 ppg" is points per game
PER_GAME_ABBR = {"ppg": "points", "rpg": "rebounds", "apg": "assists", "spg": "steals",
                 "bpg": "blocks"}
# cricket: a bare score before "off N balls" is runs ("an unbeaten 107 off 60 balls")
BALL_NOUNS = frozenset("ball balls delivery deliveries".split())
