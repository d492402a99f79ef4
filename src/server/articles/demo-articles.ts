import type { Lang } from '../../i18n/discussion.js';

/** An article of the demo site, rendered at `/articles/<slug>` with its Discussion below it. */
export interface DemoArticle {
  slug: string;
  lang: Lang;
  title: string;
  standfirst: string;
  byline: string;
  /** ISO 8601 UTC. */
  publishedAt: string;
  /** Plain text, one entry per paragraph; the page escapes them, so no markup here. */
  paragraphs: string[];
}

/**
 * Articles of the demo site, written by the Agora team for the demo and the end-to-end tests.
 * One per supported language so both catalogs are exercised on a real page; the e2e tests open
 * the French one by its slug, so keep `etats-unis-mexique-fentanyl` stable.
 */
export const demoArticles: DemoArticle[] = [
  {
    slug: 'etats-unis-mexique-fentanyl',
    lang: 'fr',
    title: 'Fentanyl : Washington pousse Mexico à accepter des opérations militaires communes',
    standfirst:
      'Les États-Unis remettent sur la table l’idée d’interventions conjointes contre les laboratoires ' +
      'clandestins de fentanyl au Mexique. Attaché à sa souveraineté, Mexico n’a pas encore donné sa réponse.',
    byline: 'Par la rédaction d’Agora',
    publishedAt: '2026-01-21T07:30:00.000Z',
    paragraphs: [
      'Washington voudrait que des militaires américains puissent intervenir au Mexique, avec les forces ' +
        'mexicaines, contre les sites clandestins où est fabriqué le fentanyl. D’après des responsables ' +
        'américains, cette demande se fait de plus en plus pressante.',
      'L’idée n’est pas neuve. Avancée une première fois au début de l’année dernière, elle avait ensuite été ' +
        'laissée de côté. Elle est revenue dans les discussions après le 3 janvier, jour où des forces ' +
        'américaines ont capturé le président vénézuélien, Nicolás Maduro.',
      'Plusieurs sources font état de discussions au plus haut niveau de l’administration américaine, ' +
        'Maison Blanche comprise. Le projet : des opérations menées ensemble, sur le sol ' +
        'mexicain, pour démanteler les laboratoires de cet opioïde de synthèse.',
      'Les États-Unis présentent le fentanyl comme une menace pour leur sécurité nationale, en raison des ' +
        'dégâts que cause cette drogue dans le pays. Les cartels qui la produisent et la font passer la ' +
        'frontière sont au centre de leurs préoccupations.',
      'Pour Mexico, le dossier oppose deux impératifs : lutter avec son voisin contre une criminalité qui se ' +
        'joue des frontières, et préserver une souveraineté à laquelle le pays est profondément attaché. Le ' +
        'Mexique s’est toujours montré réticent à voir des troupes étrangères opérer sur son territoire, une ' +
        'prudence héritée de son histoire.',
      'À ce jour, le gouvernement mexicain ne s’est pas prononcé officiellement. Les discussions continuent ' +
        'et le sujet devrait peser sur les prochaines rencontres bilatérales entre les deux capitales.',
    ],
  },
  {
    slug: 'wrenford-council-approves-cycle-network',
    lang: 'en',
    title: 'Wrenford council approves 24 km cycle network after year-long consultation',
    standfirst:
      'Protected lanes will link the railway station, the hospital and three secondary schools by 2028. ' +
      'Traders on the high street remain worried about losing parking.',
    byline: 'By the Agora newsroom',
    publishedAt: '2026-03-12T18:05:00.000Z',
    paragraphs: [
      'Wrenford town council voted on Wednesday evening to build a 24-kilometre network of cycle lanes, ' +
        'ending a consultation that drew more than 3,000 written responses. The plan passed by 19 votes to 8, ' +
        'with two abstentions.',
      'The first phase, due to start in September, will add kerb-protected lanes along Station Road and the ' +
        'river embankment, connecting the railway station with the town centre and the general hospital. Later ' +
        'phases will reach the three secondary schools on the northern side of town.',
      'The council puts the cost at £11.4 million, most of it covered by a regional active-travel grant. ' +
        'Officers told the meeting that the remaining £2.1 million would come from the existing roads ' +
        'maintenance budget, spread over three years.',
      'Several high-street traders spoke against the scheme, saying the loss of 60 on-street parking spaces ' +
        'would keep customers away. The council agreed to review loading bays and to add short-stay parking ' +
        'at the former bus depot before work begins on that section.',
      'Parents’ groups and the local cycling club welcomed the vote. The network is expected to be complete ' +
        'by the summer of 2028, and the council will publish detailed drawings for each street in the spring.',
    ],
  },
];
