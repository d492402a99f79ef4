/**
 * The word lists Agora ships, French and English together (a comment's language is not known when words are
 * matched, and mixed comments are common). Written for this project; modest on purpose: the toxicity model does the
 * broad work, these lists catch what must never pass (banned: rejected) and what a person should look at (suspect:
 * held). Sites add their own words in the console. Syntax: see matcher.ts.
 *
 * Left out on purpose, because they are ordinary words in the other language or in news: "con" (English "cons"),
 * "retard" (French for "delay"), "dick" (a surname), "chink" ("a chink in the armour").
 */

/** Slurs, incitement and threats: rejected, and the author is told why. */
export const BANNED_WORDS: readonly string[] = [
  // French
  'bougnoule*', 'youpin*', 'youtre*', 'bicot*', 'chinetoque*', 'pédé', 'tarlouze*', 'gouine*',
  'sale arabe', 'sale juif', 'sale noir', 'sale nègre', 'sale pute', 'sales arabes', 'sales juifs', 'sales noirs',
  'nique ta mère', 'nique ta race', 'ntm', 'je vais te tuer', 'je vais te crever', 'on va te tuer', 'mort aux juifs', 'mort aux arabes',
  // English
  'nigger*', 'nigga*', '*faggot*', 'kike*', 'wetback*', 'tranny', 'trannies',
  'kill yourself', 'kill urself', 'kys', 'i will kill you', 'going to kill you', 'gas the jews',
];

/** Insults and profanity: held for a moderator, who may well publish them (a quoted insult, a heated debate). */
export const SUSPECT_WORDS: readonly string[] = [
  // French
  'putain', 'ptn', 'merde', 'merdeux', 'merdique', 'connard*', 'connasse*', 'conard*', 'conasse*', 'pauvre con', 'gros con', 'sale con', 'espèce de con',
  'salope*', 'salaud*', 'pute', 'pouffiasse*', 'pétasse*', 'grognasse*', 'encul*', 'fdp', 'fils de pute', 'tg', 'ta gueule', 'ferme ta gueule',
  'abruti*', 'débile*', 'crétin*', 'imbécile*', 'bâtard*', 'bouffon*', 'ordure*', 'pourriture*', 'fumier*', 'tocard*',
  'niquer', 'nique', 'branleur*', 'trou du cul', 'casse toi', 'crève', 'va crever', 'nègre*', 'négro*', 'bamboula',
  // English
  '*fuck*', 'shit', 'shitty', 'bullshit', '*cunt*', 'bitch*', 'asshole*', 'arsehole*', 'bastard*', 'dickhead*', 'wanker*',
  'twat*', 'whore*', 'slut*', 'scumbag*', 'moron*', 'idiot', 'imbecile*', 'retarded', 'piss off', 'stfu', 'go die',
];

/** Innocent words and phrases that contain a listed one: never matched. */
export const ALLOWED_WORDS: readonly string[] = [
  'Scunthorpe', 'Bitche', 'Bitchois', '5 heures', 'cinq heures', 'shitake', 'Kunta Kinte',
];
