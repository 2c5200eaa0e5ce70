/**
 * Words that tell two near paraphrases apart, or that let a paraphrase put one word for another, in English and
 * Spanish: see ./same-question.ts. Written by hand: no maintained library lists negators, opposites and synonyms for
 * both languages in a form a check can use (WordNet is English only, per sense, and far too large to ship).
 *
 * Every entry names its source, the reason it holds beyond any one question. An entry that only made one evaluation
 * pair pass has none, and has no place here: eval/answer-reuse/README.md says what was removed and why.
 */
export type Source =
  /** Closed word classes of English or Spanish grammar: negators, numerals, months, weekdays, prepositions. */
  | "grammar"
  /** Opposites in the words' common sense, as a general dictionary gives them ("enable" / "disable"). */
  | "antonym"
  /** Words a general thesaurus gives for each other in their common sense ("fix" / "repair"). */
  | "synonym"
  /** One thing's names in different places: US and UK English, Spain and Latin America ("tap" / "faucet"). */
  | "regional"
  /** Forms of one word that the Snowball stemmer leaves apart ("enciendo" / "encender", "child" / "children"). */
  | "inflection"
  /** Words of asking, manner and hedging, which frame a question rather than say what it is about. */
  | "question frame";

export interface WordList {
  source: Source;
  words: readonly string[];
}

export interface Opposites {
  source: Source;
  /** Each side a few words of one meaning; a phrase ("turn on") counts when its words follow each other. */
  sides: readonly [readonly string[], readonly string[]];
}

const grammar = (words: readonly string[]): WordList => ({ source: "grammar", words });
const antonyms = (left: readonly string[], right: readonly string[]): Opposites => ({
  source: "antonym",
  sides: [left, right],
});
const synonyms = (...words: string[]): WordList => ({ source: "synonym", words });
const regional = (...words: string[]): WordList => ({ source: "regional", words });
const inflections = (...words: string[]): WordList => ({ source: "inflection", words });

/** Words that negate what they govern. English contractions ("don't", "isn't") are recognised by their ending. */
export const NEGATORS = grammar([
  "not",
  "no",
  "never",
  "cannot",
  "without",
  "none",
  "nothing",
  "nobody",
  "neither",
  "nor",
  "nowhere",
  "sin",
  "ni",
]);

/**
 * Spanish words that negate alone before a verb ("nunca duerme") but only repeat the negation after "no" ("no
 * duerme nunca"): negative concord, one negation either way.
 */
export const CONCORD_NEGATORS = grammar([
  "nunca",
  "jamas",
  "ningun",
  "ninguno",
  "ninguna",
  "nada",
  "nadie",
  "tampoco",
]);

/**
 * Prepositions that mark the roles of a relation (where from, where to, into what, compared with what): the same
 * words under other prepositions are another question ("convert celsius to fahrenheit" / "…fahrenheit to celsius",
 * "de Madrid a Lima" / "de Lima a Madrid", "is a dog smarter than a cat"). "and", "y", "between" and "entre" join
 * their terms symmetrically and are not here.
 */
export const RELATION_MARKERS = grammar([
  "from",
  "to",
  "into",
  "onto",
  "than",
  "de",
  "del",
  "desde",
  "a",
  "al",
  "hasta",
  "hacia",
  "que",
]);

/**
 * Conjunctions that join their terms symmetrically ("rent or buy" is "buy or rent"): two words trading places around
 * them alone is no reversed relation. English and Spanish grammar's coordinators ("e" and "u" are "y" and "o" before
 * some sounds).
 */
export const COORDINATORS = grammar(["and", "or", "nor", "versus", "vs", "y", "e", "o", "u", "ni"]);

/**
 * Pairs of opposites: a word of one side in one question and a word of the other side in the other make them
 * different questions ("enable" / "turn off"). Words are compared by their stems, so one form of each is enough
 * unless the stemmer leaves a form apart (Spanish verbs that change their root: "enciendo", "cierra"). Opposites
 * made by a negating prefix ("install" / "uninstall", "activar" / "desactivar") are left to NEGATING_PREFIXES.
 */
export const OPPOSITES: readonly Opposites[] = [
  // English
  antonyms(["enable", "activate", "turn on", "switch on"], ["disable", "turn off", "switch off"]),
  antonyms(["on"], ["off"]),
  antonyms(["start", "begin"], ["stop", "end", "finish"]),
  antonyms(["allow", "permit"], ["block", "prevent", "forbid", "deny"]),
  antonyms(["open"], ["close", "shut"]),
  antonyms(["show", "unhide"], ["hide"]),
  antonyms(["mute"], ["unmute"]),
  antonyms(["increase", "raise", "boost"], ["decrease", "reduce", "lower", "cut"]),
  antonyms(["more"], ["less", "fewer"]),
  antonyms(["most"], ["least"]),
  antonyms(["higher"], ["lower"]),
  antonyms(["high"], ["low"]),
  antonyms(["maximize", "maximum", "max"], ["minimize", "minimum", "min"]),
  antonyms(["grow", "expand", "extend"], ["shrink", "collapse", "shorten"]),
  antonyms(["speed up", "accelerate"], ["slow down", "decelerate"]),
  antonyms(["up"], ["down"]),
  antonyms(["upload"], ["download"]),
  antonyms(["add", "plus"], ["remove", "delete", "subtract", "minus"]),
  antonyms(["above", "over"], ["below", "under"]),
  antonyms(["gain"], ["lose", "loss"]),
  antonyms(["win"], ["lose"]),
  antonyms(["good"], ["bad"]),
  antonyms(["better"], ["worse"]),
  antonyms(["best"], ["worst"]),
  antonyms(["well"], ["badly"]),
  antonyms(["healthy"], ["harmful"]),
  antonyms(["safe"], ["dangerous", "unsafe"]),
  antonyms(["right", "correct"], ["wrong"]),
  antonyms(["true"], ["false"]),
  antonyms(["positive"], ["negative"]),
  antonyms(["pros", "advantage", "benefits"], ["cons", "risks", "drawbacks"]),
  antonyms(["easy", "easier", "easiest"], ["hard", "harder", "hardest", "difficult"]),
  antonyms(["before"], ["after"]),
  antonyms(["earlier"], ["later"]),
  antonyms(["early"], ["late"]),
  antonyms(["first"], ["last"]),
  antonyms(["beginning"], ["ending"]),
  antonyms(["morning"], ["evening", "night"]),
  antonyms(["past"], ["future"]),
  antonyms(["old", "older", "oldest"], ["new", "newer", "newest", "young", "younger"]),
  antonyms(["buy", "purchase"], ["sell"]),
  antonyms(["borrow"], ["lend"]),
  antonyms(["receive", "get"], ["send", "give"]),
  antonyms(["import"], ["export"]),
  antonyms(["deposit"], ["withdraw"]),
  antonyms(["income", "earn", "earnings"], ["expense", "expenses", "spend", "spending"]),
  antonyms(["arrive", "arrival"], ["depart", "departure", "leave"]),
  antonyms(["enter", "entrance"], ["exit"]),
  antonyms(["in", "into", "inside"], ["out", "outside"]),
  antonyms(["push"], ["pull"]),
  antonyms(["inhale"], ["exhale"]),
  antonyms(["hot", "warm", "heat"], ["cold", "cool", "freeze", "chill"]),
  antonyms(
    ["big", "large", "bigger", "larger", "biggest", "largest"],
    ["small", "smaller", "smallest", "tiny"],
  ),
  antonyms(["long", "longer", "longest"], ["short", "shorter", "shortest"]),
  antonyms(["fast", "faster", "fastest", "quick"], ["slow", "slower", "slowest"]),
  antonyms(["heavy"], ["light"]),
  antonyms(["strong"], ["weak"]),
  antonyms(["wet"], ["dry"]),
  antonyms(["full"], ["empty"]),
  antonyms(["thick"], ["thin"]),
  antonyms(["wide"], ["narrow"]),
  antonyms(["deep"], ["shallow"]),
  antonyms(["loud"], ["quiet"]),
  antonyms(["bright"], ["dark"]),
  antonyms(["soft"], ["hard"]),
  antonyms(["sweet"], ["sour", "bitter"]),
  antonyms(["tight", "tighten"], ["loose", "loosen"]),
  antonyms(["left"], ["right"]),
  antonyms(["north"], ["south"]),
  antonyms(["east"], ["west"]),
  antonyms(["front"], ["back"]),
  antonyms(["top"], ["bottom"]),
  antonyms(["forward"], ["backward"]),
  antonyms(["ascending"], ["descending"]),
  antonyms(["love", "like"], ["hate", "dislike"]),
  antonyms(["accept", "approve"], ["reject", "deny"]),
  antonyms(["pass", "succeed", "success"], ["fail", "failure"]),
  antonyms(["remember"], ["forget"]),
  antonyms(["find"], ["lose"]),
  antonyms(["friend"], ["enemy"]),
  antonyms(["man", "men", "male", "boy", "husband"], ["woman", "women", "female", "girl", "wife"]),
  antonyms(["day"], ["night"]),
  antonyms(["summer"], ["winter"]),
  antonyms(["spring"], ["autumn", "fall"]),
  antonyms(["alive", "live"], ["dead", "die"]),
  antonyms(["hire"], ["fire"]),
  antonyms(["include"], ["exclude"]),
  antonyms(["attach"], ["detach"]),
  antonyms(["encrypt"], ["decrypt"]),
  antonyms(["save", "keep"], ["discard"]),
  antonyms(["merge", "combine", "join"], ["split", "separate"]),
  antonyms(["multiply"], ["divide"]),
  antonyms(["inflate"], ["deflate"]),
  antonyms(["zoom in"], ["zoom out"]),
  antonyms(["sign in", "log in", "login"], ["sign out", "log out", "logout"]),
  // Spanish
  antonyms(["encender", "enciendo", "enciende", "encienden", "prender"], ["apagar"]),
  antonyms(
    ["empezar", "empiezo", "empieza", "comenzar", "comienzo", "comienza", "iniciar"],
    ["terminar", "acabar", "finalizar", "detener", "parar"],
  ),
  antonyms(["permitir"], ["bloquear", "prohibir", "impedir"]),
  antonyms(["abrir", "abre", "abro", "abren", "abra"], ["cerrar", "cierro", "cierra", "cierran", "cierre"]),
  antonyms(["mostrar"], ["ocultar", "esconder"]),
  antonyms(["aumentar", "incrementar", "subir", "elevar"], ["disminuir", "reducir", "bajar"]),
  antonyms(["más"], ["menos"]),
  antonyms(["mayor"], ["menor"]),
  antonyms(["alto", "alta"], ["bajo", "baja"]),
  antonyms(["maximizar", "máximo"], ["minimizar", "mínimo"]),
  antonyms(["crecer", "ampliar"], ["encoger", "acortar"]),
  antonyms(["acelerar"], ["ralentizar", "frenar"]),
  antonyms(["añadir", "agregar", "sumar"], ["quitar", "sacar", "eliminar", "borrar", "restar"]),
  antonyms(["encima", "sobre", "arriba"], ["debajo", "abajo"]),
  antonyms(["ganar"], ["perder"]),
  antonyms(["bueno", "buena"], ["malo", "mala"]),
  antonyms(["mejor"], ["peor"]),
  antonyms(["bien"], ["mal"]),
  antonyms(["sano", "saludable"], ["dañino", "perjudicial"]),
  antonyms(["seguro"], ["peligroso"]),
  antonyms(["verdadero"], ["falso"]),
  antonyms(["positivo"], ["negativo"]),
  antonyms(["ventaja", "beneficios"], ["riesgos"]),
  antonyms(["fácil"], ["difícil"]),
  antonyms(["antes"], ["después"]),
  antonyms(["temprano"], ["tarde"]),
  antonyms(["primero", "primera"], ["último", "última"]),
  antonyms(["principio", "inicio"], ["final", "fin"]),
  antonyms(["pasado"], ["futuro"]),
  antonyms(["viejo", "vieja", "antiguo"], ["nuevo", "nueva", "moderno", "joven"]),
  antonyms(["comprar"], ["vender"]),
  antonyms(["recibir"], ["enviar", "mandar"]),
  antonyms(["importar"], ["exportar"]),
  antonyms(["descargar"], ["subir"]),
  antonyms(["depositar", "ingresar"], ["retirar"]),
  antonyms(["ingreso", "ingresos"], ["gasto", "gastos"]),
  antonyms(["llegar", "llegada"], ["salir", "salida", "irse"]),
  antonyms(["entrar", "entrada"], ["salir", "salida"]),
  antonyms(["dentro"], ["fuera"]),
  antonyms(["empujar"], ["tirar", "jalar"]),
  antonyms(["caliente", "cálido", "calentar"], ["frío", "fría", "fresco", "enfriar"]),
  antonyms(["grande"], ["pequeño", "pequeña"]),
  antonyms(["largo", "larga"], ["corto", "corta"]),
  antonyms(["rápido", "rápida"], ["lento", "lenta"]),
  antonyms(["pesado"], ["ligero"]),
  antonyms(["fuerte"], ["débil"]),
  antonyms(["mojado", "húmedo"], ["seco", "seca"]),
  antonyms(["lleno", "llena"], ["vacío", "vacía"]),
  antonyms(["grueso"], ["delgado", "fino"]),
  antonyms(["ancho"], ["estrecho"]),
  antonyms(["ruidoso"], ["silencioso"]),
  antonyms(["claro"], ["oscuro"]),
  antonyms(["blando", "suave"], ["duro"]),
  antonyms(["dulce"], ["amargo", "salado"]),
  antonyms(["graso", "grasa"], ["seco", "seca"]),
  antonyms(["apretar"], ["aflojar"]),
  antonyms(["izquierda"], ["derecha"]),
  antonyms(["norte"], ["sur"]),
  antonyms(["delante", "adelante"], ["detrás", "atrás"]),
  antonyms(["ascendente"], ["descendente"]),
  antonyms(["amar", "gustar"], ["odiar"]),
  antonyms(["aceptar", "aprobar"], ["rechazar", "suspender", "reprobar"]),
  antonyms(["éxito"], ["fracaso"]),
  antonyms(["recordar", "recuerdo", "recuerda"], ["olvidar"]),
  antonyms(["encontrar", "encuentro", "encuentra"], ["perder", "pierdo", "pierde"]),
  antonyms(["amigo"], ["enemigo"]),
  antonyms(["hombre", "niño", "marido"], ["mujer", "niña", "esposa"]),
  antonyms(["día"], ["noche"]),
  antonyms(["verano"], ["invierno"]),
  antonyms(["primavera"], ["otoño"]),
  antonyms(["vivo", "vivir"], ["muerto", "morir"]),
  antonyms(["contratar"], ["despedir"]),
  antonyms(["incluir"], ["excluir"]),
  antonyms(["cifrar"], ["descifrar"]),
  antonyms(["guardar"], ["descartar"]),
  antonyms(["unir", "juntar", "combinar"], ["separar", "dividir"]),
  antonyms(["multiplicar"], ["dividir"]),
  antonyms(["cargar"], ["descargar"]),
];

/**
 * Prefixes that turn a word into its opposite ("install" / "uninstall", "activar" / "desactivar"), for the many
 * opposites no list holds: a rule of English and Spanish word formation. Only roots of MIN_ROOT_LENGTH letters or
 * more count: "import" is not "im" + "port".
 */
export const NEGATING_PREFIXES = ["un", "dis", "de", "des", "in", "im", "il", "ir", "non", "anti"];
export const MIN_ROOT_LENGTH = 4;

/** English and Spanish numerals from zero to twenty, by value ("one", "uno", "una": see QUANTITY_WORDS). */
const COUNTS = {
  en: "zero - two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty",
  es: "cero - dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte",
};
const MONTHS = {
  en: "january february march april - june july august september october november december",
  es: "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
};
const WEEKDAYS = {
  en: "monday tuesday wednesday thursday friday saturday sunday",
  es: "lunes martes miércoles jueves viernes sábado domingo",
};
const OTHER_QUANTITIES: ReadonlyArray<readonly [string, number]> = [
  ["thirty", 30],
  ["forty", 40],
  ["fifty", 50],
  ["sixty", 60],
  ["seventy", 70],
  ["eighty", 80],
  ["ninety", 90],
  ["hundred", 100],
  ["thousand", 1000],
  ["million", 1e6],
  ["billion", 1e9],
  ["half", 0.5],
  ["dozen", 12],
  ["twice", 2],
  ["double", 2],
  ["triple", 3],
  ["treinta", 30],
  ["cuarenta", 40],
  ["cincuenta", 50],
  ["sesenta", 60],
  ["setenta", 70],
  ["ochenta", 80],
  ["noventa", 90],
  ["cien", 100],
  ["ciento", 100],
  ["mil", 1000],
  ["millón", 1e6],
  ["millones", 1e6],
  ["medio", 0.5],
  ["media", 0.5],
  ["docena", 12],
  ["doble", 2],
];

/** Each word of a space-separated list with its position plus `offset`; "-" holds a place without a word. */
const numbered = (list: string, offset: number) =>
  list.split(" ").flatMap((word, index) => (word === "-" ? [] : [[word, offset + index] as const]));

/**
 * Words of quantities and dates, and their values (months and weekdays get values of their own, for comparison
 * only): grammar's numerals and calendar names. "one", "uno" and "una" are left out: they are more often pronouns
 * and articles ("which one", "una receta") than counts; so is "may", more often the verb.
 */
export const QUANTITY_WORDS = {
  source: "grammar" as Source,
  values: new Map<string, number>([
    ...numbered(COUNTS.en, 0),
    ...numbered(COUNTS.es, 0),
    ...OTHER_QUANTITIES,
    ...numbered(MONTHS.en, 10_000),
    ...numbered(MONTHS.es, 10_000),
    ...numbered(WEEKDAYS.en, 20_000),
    ...numbered(WEEKDAYS.es, 20_000),
  ]),
};

/**
 * Words that frame a question rather than say what it is about ("explain", "best way", "¿cómo puedo…?"): a
 * paraphrase adds, drops and swaps them freely, so the comparison of content words ignores them. Only words of
 * asking ("explain", "tell", "dime"), of manner ("way", "steps", "manera"), of wanting and being able ("need",
 * "puedo"), and hedges ("actually", "usually", "normalmente"); never a word that could name what is asked about.
 */
export const FRAME_WORDS: WordList = {
  source: "question frame",
  words: [
    ...["explain", "tell", "know", "need", "want", "way", "best", "good", "right", "proper", "properly"],
    ...["correct", "correctly", "actual", "actually", "really", "usual", "usually", "typical", "typically"],
    ...["normal", "normally", "possible", "help", "anyone", "someone", "please", "exactly", "okay", "ok"],
    ...["recommend", "recommended", "ideal", "step", "steps", "method", "guide", "tip", "tips", "advice"],
    ...["able", "supposed", "suggest", "basically", "explicar", "explica", "decir", "dime", "saber"],
    ...["necesitar", "querer", "forma", "manera", "modo", "mejor", "bueno", "correcto", "correctamente"],
    ...["realmente", "normalmente", "posible", "ayudar", "ayuda", "favor", "exactamente", "recomendable"],
    ...["recomiendas", "ideal", "paso", "pasos", "método", "consejo", "consejos", "truco", "trucos"],
    ...["deber", "debo", "poder", "puedo", "soler", "suele", "alguien", "sugerir", "recomendar"],
  ],
};

/**
 * Light verbs, which carry little meaning of their own and are swapped freely around the noun that does ("get rust
 * off", "make a budget", "hacer una copia"): compared as frame words. English and Spanish grammar's short list.
 */
export const LIGHT_VERBS = grammar([
  "get",
  "make",
  "take",
  "give",
  "go",
  "put",
  "use",
  "hacer",
  "dar",
  "tener",
  "poner",
  "tomar",
]);

/**
 * Words a paraphrase puts for each other ("fix" / "repair", "móvil" / "celular"): the comparison of content words
 * counts them as one. Synonymy is a relation, not a partition: two words are synonyms when some list holds both, so
 * a word may sit in several lists. Each side of a pair of opposites (./OPPOSITES) is such a list too.
 */
export const SYNONYMS: readonly WordList[] = [
  synonyms("fix", "repair", "mend"),
  synonyms("arreglar", "reparar"),
  synonyms("remove", "delete", "erase"),
  synonyms("quitar", "eliminar", "borrar", "sacar"),
  synonyms("house", "home"),
  synonyms("casa", "hogar", "vivienda"),
  synonyms("car", "vehicle", "auto", "automobile"),
  regional("coche", "carro", "auto", "vehículo", "automóvil"),
  synonyms("phone", "mobile", "cellphone", "smartphone", "cell"),
  regional("móvil", "celular", "teléfono", "smartphone"),
  regional("tap", "faucet"),
  regional("grifo", "llave", "canilla"),
  synonyms("cab", "taxi"),
  synonyms("fridge", "refrigerator"),
  regional("nevera", "frigorífico", "refrigerador", "heladera"),
  synonyms("kid", "child"),
  inflections("child", "children"),
  synonyms("niño", "crío"),
  synonyms("fast", "quick", "rapid"),
  synonyms("often", "frequently"),
  inflections("frequently", "frequency"),
  synonyms("frecuencia", "seguido", "menudo", "frecuentemente"),
  synonyms("cost", "price"),
  synonyms("precio", "costo", "coste"),
  inflections("costar", "cuesta", "cuestan"),
  synonyms("unclog", "unblock"),
  regional("desatascar", "destapar", "desatorar"),
  synonyms("error", "mistake", "bug"),
  synonyms("laptop", "notebook", "computer", "pc"),
  regional("portátil", "ordenador", "computadora", "computador", "laptop"),
  synonyms("doctor", "physician"),
  synonyms("médico", "doctor"),
  synonyms("illness", "disease", "sickness"),
  synonyms("pain", "ache", "hurt", "sore"),
  synonyms("dolor", "molestia"),
  inflections("doler", "duele", "duelen"),
  synonyms("job", "employment"),
  regional("trabajo", "empleo", "chamba"),
  synonyms("money", "cash"),
  regional("dinero", "plata", "efectivo"),
  synonyms("picture", "photo", "image", "photograph", "pic"),
  synonyms("foto", "imagen", "fotografía"),
  synonyms("movie", "film"),
  synonyms("película", "peli", "film"),
  synonyms("trip", "travel", "journey"),
  synonyms("big", "large", "huge"),
  synonyms("small", "little", "tiny"),
  synonyms("grande", "enorme"),
  regional("pequeño", "chico", "diminuto"),
  synonyms("author", "writer"),
  synonyms("autor", "escritor"),
  synonyms("document", "paperwork", "papers"),
  synonyms("documento", "papeles"),
  synonyms("change", "alter", "modify"),
  synonyms("convert", "transform", "turn"),
  synonyms("replace", "swap", "switch"),
  synonyms("cambiar", "modificar"),
  synonyms("convertir", "transformar"),
  synonyms("reemplazar", "sustituir"),
  synonyms("move", "transfer"),
  synonyms("mover", "transferir"),
  synonyms("connect", "link", "pair"),
  synonyms("conectar", "vincular", "enlazar", "emparejar"),
  synonyms("merge", "combine", "join", "concatenate"),
  synonyms("unir", "combinar", "juntar", "fusionar", "concatenar"),
  synonyms("clear", "empty", "wipe", "flush"),
  synonyms("see", "view", "look"),
  synonyms("show", "display"),
  synonyms("check", "verify", "inspect"),
  synonyms("ver", "mirar"),
  synonyms("comprobar", "revisar", "verificar"),
  synonyms("cancel", "terminate"),
  synonyms("cancelar", "anular"),
  synonyms("learn", "study"),
  synonyms("aprender", "estudiar"),
  synonyms("reverse", "invert", "flip"),
  synonyms("invertir", "voltear"),
  synonyms("mean", "meaning", "definition", "define"),
  synonyms("significar", "significado", "definición"),
  synonyms("difference", "differ", "distinguish", "compare", "versus", "vs"),
  synonyms("diferencia", "diferenciar", "distinguir", "distingue", "comparar"),
  inflections("lose", "loss"),
  synonyms("cause", "reason"),
  synonyms("causa", "razón", "motivo"),
];
