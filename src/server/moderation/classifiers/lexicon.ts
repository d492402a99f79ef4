/**
 * Hand-written word lists (Agora's own, not taken from any other project) for French and
 * English abuse. They are not used as a blocklist: each hit becomes a *category* feature
 * ("insult", "slur", "threat", …) that the linear model weighs. Categories are shared by
 * both languages, so what the model learns about "slur" from 25k English tweets also
 * applies to French, where labelled data is scarce.
 *
 * Entries are matched on normalised tokens (see normalize.ts); a token is also tried with its
 * stretched letters (runs of 3+) cut to one ("fuuuuck" → "fuck"). A trailing "*" is a prefix
 * match on one token; spaces separate tokens of a multi-word phrase. A final "s"/"x" is
 * also tried without it (plurals).
 */

export type Category =
  | 'profanity'
  | 'insult'
  | 'slur'
  | 'threat'
  | 'dehuman'
  | 'sexual'
  | 'extremism'
  | 'group'
  | 'you'
  | 'mitigator'
  | 'modal'
  | 'counter'
  | 'sarcasm'
  | 'stem';

type Lists = Record<Category, string>;

// Single words only here; multi-word phrases are in MULTI below. "ntm" (nique ta mère) is an insult to the reader
// addressed as well as profanity, like "fdp" (a stem): short, it must not rest on the model's few n-grams alone.
const FR: Lists = {
  profanity: `putain ptn merde merdique bordel chier chiant foutre foutu niquer nique zut tg ftg fdp ntm gueule
    ntr vtff vtf nik niker niq niquez tamere tainp tainpu ptain 🖕`,
  insult: `con conne connard connasse conard conasse connerie salaud salope salopard pute putes pouffiasse poufiasse petasse grognasse
    encul* batard batarde abruti abrutie debile debiles cretin cretine imbecile idiot idiote teube tebe tocard tocarde bouffon bouffonne
    guignol clown clowns minable minables nul nulle nuls naze nazes blaireau blaireaux beauf plouc cassos racaille racailles
    ordure ordures pourriture pourri pourrie raclure enflure fumier charogne chienne garce
    branleur branleuse couillon trouduc porc truie boloss bolos
    mongol mongolien mongolienne attarde attardee triso trisomique demeure demeuree degenere degeneree tare taree
    psychopathe incapable incompetent incompetente lache laches traitre traitres collabo collabos vendu vendus escroc escrocs
    voyou voyous gland glandu baltringue crevard crevure clochard clocharde gogol gogols tapette lopette fiotte
    idiots imbeciles cons connards connasses salauds salopes cretins abrutis tocards bouffons
    facho fachos nazi nazis gauchiasse gauchiasses gauchiste gauchistes islamogauchiste bobo bobos macronard macronards
    chiennete tebe pouilleux pouilleuse abrutis mongols attardes hypocrite hypocrites journaleux journalope journalopes
    merdias presstitue presstitues covidiot covidiots infame infames detraque detraques debilite debilos sbire sbires
    ignorant ignorants ignorante pitoyable pitoyables lamentable lamentables immonde immondes ignoble ignobles abject abjecte
    degueulasse degueulasses degueu larbin larbins laquais toutou pantin pantins valet sangsue sangsues vautour vautours
    crapule crapules canaille salopards raclures pourritures droitard droitards nazillon nazillons golmon neuneu benet
    nigaud andouille andouilles saloperie saloperies bouse dictateur tyran menteur menteuse menteurs menteuses voleur voleurs
    charlatan charlatans guignols pantin cinglé cingle cingles fou folle fous malade malades tarlouze tantouze tafiole fiotes
    enfoire enfoiree enfoires batar batars salo salaupe konar konnard connar conar cretain imbessile imbesile abrutit debil
    mongolo gogole tepu lopsa tarba tarlouz zgeg bolosse shlag schlag shlague chlag nullos nulos clodo cloduche boufon
    pouffe kahba kehba ntm 💩 🤡`,
  slur: `negre negres negresse bougnoule bougnoules bougnoul bicot bicots raton ratons youpin youpins youpine feuj feujs
    pd pede pedes pedale pedales gouine gouines travelo travelos bamboula bamboulas macaque macaques chinetoque chinetoques
    niakoue niakoues rital ritals boche boches negro negros musulmerde youtre bougnoulisation reubeu reubeus babtou babtous
    toubab toubabs noich noichs bicotte allogene allogenes zamel zamels sionard sionards crouille crouilles youpinerie`,
  threat: `tuer tue tuez crever creve crevez mort egorger egorge pendre pendez pendu fusiller fusillez gazer gazez
    bruler brulez buter bute butez defoncer defonce exterminer extermination exterminez eliminer eliminez abattre abattez
    remigration reemigration deporter deportez dehors kalash kalach encastrer lyncher lynchez tabasser tabassez defoncer
    cogner frapper violer saigner`,
  modal: `faut faudrait devrait devraient doit doivent espere souhaite merite meritent meriteraient`,
  // Counter-speech and reported speech: someone quoting or denouncing abuse, not committing it.
  counter: `traiter traite traites traitez traiterait appeler appelle appeles appelez dit dire disent dites signaler signale
    signalerai bloquer bloque bloquees bloques propos haineux haineuse raciste racistes homophobe homophobes insulter
    insultes condamne denonce harcelement`,
  dehuman: `🐒 🐵 🦍 🐀 🐷 🐖 vermine vermines parasite parasites cafard cafards rat rats animal animaux bete betes sauvage sauvages
    singe singes primate primates dechet dechets cancer invasion envahisseur envahisseurs remplacement
    porcs chiens hyenes microbes nuisible nuisibles maladie barbare barbares delinquant delinquants criminels moutons`,
  sexual: `bite bites zizi couille couilles chatte suce sucer suceur suceuse sodomise sodomiser baiser baise baisee
    branler branle sperme pipe partouze cul chaudasse`,
  group: `arabe arabes musulman musulmans musulmane musulmanes islam juif juifs juive juives noir noirs noire noires black blacks
    migrant migrants migrante immigre immigres immigree immigration etranger etrangers maghrebin maghrebins africain africains
    rom roms gitan gitans asiatique asiatiques chinois femme femmes feministe feministes gay gays homosexuel homosexuels lesbienne
    lesbiennes trans transgenre handicape handicapes refugie refugies blanc blancs renoi renois rebeu rebeus rebeux
    beur beurs feuj juifs sioniste sionistes chretien chretiens catho cathos transexuel transexuels homo homos`,
  extremism: `hitler heil fuhrer goebbels himmler reich nazisme ss kkk svastika croix gammee petain petainiste zog 1488`,
  you: `tu t te toi ton ta tes vous votre vos`,
  // Irony and mockery markers (forum and SMS French): a model feature only, never part of the prior.
  sarcasm: `mdr mdrr ptdr xptdr lol lool ahah ahahah haha hahaha xd 🙄 😂 🤣 😏 😹`,
  mitigator: `pas ne jamais non aucun aucune contre condamne condamner denonce denoncer inacceptable selon aurait
    accuse accuses proces tribunal enquete police rapport article`,
  // Insult stems that survive inside compounds and mangled spellings ("kagamerde", "mérdias", "enc*ler").
  stem: `merd encul enc*l salop connar connas debil abruti batard cretin pouffi petass gogol fdp enfoir tarlouz niktam`,
};

const EN: Lists = {
  profanity: `fuck fucking fucked fuckin fck fk f*ck f**k shit shitty bullshit crap damn dammit goddamn hell wtf stfu piss pissed
    bloody arse ass effing 🖕`,
  insult: `idiot idiots idiotic moron morons moronic stupid dumb dumbass dumbasses retard retards retarded imbecile imbeciles
    asshole assholes arsehole jerk jerks loser losers scum scumbag scumbags trash garbage pathetic bitch bitches bastard bastards
    cunt cunts dick dicks dickhead prick pricks twat twats whore whores slut sluts hoe hoes skank skanks douche douchebag
    motherfucker motherfuckers fucker fuckers shithead wanker wankers tosser clown clowns ignorant coward cowards traitor traitors
    libtard libtards trumptard snowflake snowflakes cuck cucks degenerate degenerates lowlife pig fatass fatso ugly freak
    freaks psycho lunatic nutjob hypocrite hypocrites liar liars thug thugs simpleton halfwit dimwit dipshit jackass
    sjw commie commies nazi nazis hypocrite hypocrites idiocy stupidity disgusting disgrace despicable vile scumbags
    sickening pervert perverts creep creeps crook crooks fool fools foolish nutcase maniac maniacs brainwashed sheep sheeple
    dumber dumbest idiotic moronic clueless worthless useless ignoramus buffoon buffoons 💩 🤡`,
  slur: `nigger niggers nigga niggas nigguh negro negroes faggot faggots fag fags dyke dykes tranny trannies kike kikes spic spics
    wetback wetbacks chink chinks gook gooks raghead ragheads towelhead towelheads sandnigger coon coons beaner
    beaners paki pakis redskin redskins shemale homo homos queer queers muzzie muzzies mudslime mudslimes yid yids
    gypo gypos pikey wop wops dago kraut jap japs zipperhead spook cracker crackers honky hillbilly redneck rednecks`,
  threat: `kill killing killed die dies dying dead death murder murdered shoot shot hang hanged hanging lynch lynched gas gassed
    burn burned exterminate extermination eliminate slaughter behead execute executed beat beaten bullet bullets kys deport
    deported punch rape stab`,
  modal: `should must ought deserve deserves need needs hope gotta`,
  counter: `called calling call calls said saying say says report reported reporting block blocked hateful racist racists
    homophobic slur slurs insult insults insulting condemn harassment`,
  dehuman: `🐒 🐵 🦍 🐀 🐷 🐖 vermin parasite parasites cockroach cockroaches rat rats subhuman subhumans animal animals beast beasts savage savages
    ape apes monkey monkeys primate primates filth cancer plague invasion invaders invader infestation breed breeding
    pigs dogs mongrel mongrels disease criminals barbarians sheep`,
  sexual: `cock cocks pussy pussies tits boobs cum blowjob suck sucks sucking porn horny dildo anal rape raped rapist rapists
    wank slutty sexy`,
  extremism: `hitler heil fuhrer goebbels himmler reich nazism ss kkk swastika`,
  group: `muslim muslims islam islamic jew jews jewish black blacks african africans immigrant immigrants immigration migrant
    migrants refugee refugees mexican mexicans asian asians chinese arab arabs gay gays lesbian lesbians transgender trans
    women woman girls feminist feminists disabled white whites hispanic hispanics latino latinos gypsies`,
  you: `you your youre u ur yourself yall`,
  sarcasm: `lol lmao lmfao rofl smh 🙄 😂 🤣 😏`,
  mitigator: `not never no against condemn condemned condemns report reported reports according alleged allegedly court trial police
    investigation officials said says study`,
  stem: `fuck shit nigg fagg bitch whore slut retard`,
};

/** Entries are written already normalised; this only guards against stray capitals. */
export function lexKey(token: string): string {
  return token.toLowerCase();
}

interface Compiled {
  phrases: Map<string, Category[]>; // key: space-joined folded tokens
  prefixes: { prefix: string; cat: Category }[];
  stems: string[];
  maxLen: number;
}

/** Ordinary words that contain an insult stem; a token containing one of these is not checked for stems. */
const STEM_EXCEPTIONS = /deput|disput|reput|imput|comput|amput|shitake|scunthorpe/u;

function compile(lists: Lists): Compiled {
  const phrases = new Map<string, Category[]>();
  const prefixes: { prefix: string; cat: Category }[] = [];
  const stems = lists.stem.split(/\s+/u).filter(Boolean);
  let maxLen = 1;
  for (const [cat, text] of Object.entries(lists) as [Category, string][]) {
    if (cat === 'stem') continue;
    for (const t of text.split(/\s+/u).filter(Boolean).map(lexKey)) {
      if (t.endsWith('*')) prefixes.push({ prefix: t.slice(0, -1), cat });
      else addPhrase(phrases, t, cat);
    }
    for (const p of MULTI[cat] ?? []) {
      const toks = p.split(' ').map(lexKey);
      maxLen = Math.max(maxLen, toks.length);
      addPhrase(phrases, toks.join(' '), cat);
    }
  }
  return { phrases, prefixes, stems, maxLen };
}

/** One word, also without a plural "s"/"x". */
function lookupWord(c: Compiled, w: string): Category[] | undefined {
  return c.phrases.get(w) ?? (/[sx]$/u.test(w) && w.length > 3 ? c.phrases.get(w.slice(0, -1)) : undefined);
}

function addPhrase(m: Map<string, Category[]>, key: string, cat: Category): void {
  const cur = m.get(key);
  if (!cur) m.set(key, [cat]);
  else if (!cur.includes(cat)) cur.push(cat);
}

/** Multi-word phrases (both languages: the two vocabularies barely collide). */
const MULTI: Partial<Record<Category, string[]>> = {
  profanity: ['ta geule', 'ferme ta geule', 'ta race', 'nique ta race', 'nik ta mere', 'nique sa mere', 'va te faire foutre',
    'va te faire enculer', 'ta gueule', 'ferme ta gueule', 'ferme la', 'vos gueules', 'nique ta mere', 'fait chier', 'what the fuck', 'shut the fuck up'],
  insult: [
    'sous merde', 'trou du cul', 'tete de noeud', 'gros porc', 'grosse vache', 'grosse truie', 'malade mental', 'pauvre type',
    'pauvre con', 'pauvre conne', 'sale type', 'fils de pute', 'fille de pute', 'mange merde', 'espece de', 'piece of shit',
    'son of a bitch', 'go to hell', 'shut up', 'get lost', 'nobody cares', 'islamo gauchiste', 'chien de', 'tete a claque',
    'trou de balle', 'quel con', 'quelle conne', 'bande de', 'pov con', 'pauv con', 'pov type', 'sac a merde', 'tete de con',
  ],
  slur: ['sous chien', 'sous chiens', 'sal noir', 'sal arabe', 'sal juif', 'sal fdp', 'sal negre', 'sale noir', 'sale noire', 'sale arabe', 'sale juif', 'sale juive', 'sale musulman', 'sale pd', 'sale race', 'jungle bunny', 'porch monkey', 'tar baby', 'white trash'],
  threat: [
    'a mort', 'mort aux', 'balle dans la tete', 'te retrouver', 'on va te', 'je vais te', 'on sait ou tu habites', 'te faire la peau',
    'casser la gueule', 'renvoyer chez eux', 'rentrez chez vous', 'retourne dans ton pays', 'retournez dans votre pays', 'hors de france',
    'a la mer', 'kill yourself', 'kill urself', 'go die', 'should die', 'deserve to die', 'deserves to die', 'should be shot',
    'should be hanged', 'i will find you', 'we will find you', 'watch your back', 'send them back', 'go back to your country',
    'go back where you came from', 'wipe out', 'wiped out', 'suicide toi', 'string him up', 'string them up', 'i know where you live',
    'je sais ou tu habites',
  ],
  // Dog whistles: "chances pour la France" (ironic for immigrants), "Français de papier" (not "real" French).
  dehuman: ['sous homme', 'sous hommes', 'grand remplacement', 'chance pour la france', 'chances pour la france',
    'francais de papier', 'francaise de papier', 'francais de papiers'],
  sarcasm: ['comme par hasard', 'quelle surprise', 'sans blague', 'on y croit', 'bah voyons', 'ben voyons', 'c est ca oui',
    'yeah right', 'sure jan', 'what a surprise', 'oh please'],
  sexual: ['jerk off'],
  you: ['espece de', 't es', 't as'],
  mitigator: ['aurait dit'],
};

const COMPILED: Record<'fr' | 'en', Compiled> = { fr: compile(FR), en: compile(EN) };

export type LexLang = 'fr' | 'en';

/** Category hit counts for a token list. Unknown languages are checked against both lists. */
export function lexiconHits(tokens: readonly string[], lang: string, destretched: readonly string[] = tokens): Map<Category, number> {
  const langs: LexLang[] = lang === 'fr' ? ['fr'] : lang === 'en' ? ['en'] : ['fr', 'en'];
  const hits = new Map<Category, number>();
  const keys = tokens.map(lexKey);
  for (const l of langs) {
    const c = COMPILED[l];
    for (let i = 0; i < keys.length; i++) {
      let phrase = '';
      for (let n = 1; n <= c.maxLen && i + n <= keys.length; n++) {
        phrase = n === 1 ? (keys[i] ?? '') : `${phrase} ${keys[i + n - 1] ?? ''}`;
        let cats = c.phrases.get(phrase);
        if (!cats && n === 1) cats = lookupWord(c, phrase) ?? lookupWord(c, destretched[i] ?? phrase);
        if (cats) for (const cat of cats) hits.set(cat, (hits.get(cat) ?? 0) + 1);
      }
      const k = keys[i] ?? '';
      for (const p of c.prefixes) if (k.startsWith(p.prefix)) hits.set(p.cat, (hits.get(p.cat) ?? 0) + 1);
      if (!STEM_EXCEPTIONS.test(k)) {
        const d = destretched[i] ?? k;
        for (const st of c.stems) if (k.includes(st) || d.includes(st)) hits.set('stem', (hits.get('stem') ?? 0) + 1);
      }
    }
  }
  return hits;
}

/**
 * Whether a normalised word (also tried with its stretched letters cut to one) is an entry of either
 * language's lists, of any category, a prefix entry's word or a word of a multi-word entry; insult
 * stems found inside longer words do not count (a random code contains "fdp" or "slut" by chance).
 * Normalisation reads leet digits as letters only for these.
 */
export function isListedWord(word: string, destretched: string = word): boolean {
  if (PHRASE_WORDS.has(word) || PHRASE_WORDS.has(destretched)) return true;
  return Object.values(COMPILED).some(
    (c) => (lookupWord(c, word) ?? lookupWord(c, destretched)) !== undefined || c.prefixes.some((p) => word.startsWith(p.prefix)),
  );
}

/** Words of the multi-word entries ("nique ta m3re" must still read as "nique ta mere"). */
const PHRASE_WORDS: ReadonlySet<string> = new Set(Object.values(MULTI).flatMap((ps) => ps.flatMap((p) => p.split(' ').map(lexKey))));
