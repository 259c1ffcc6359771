// Dateline's search page, on Pagefind's JavaScript API (the index is written by
// `dateline build`; see scripts/dateline/search.py for what each record holds).
//
// The URL is the state: ?q=…&city=…&city=…&year=…&month=…&source=…&tag=…&sort=…
// so a result list can be shared and the back button walks through past searches.
// Every value from an article reaches the page through textContent, never innerHTML;
// Pagefind's excerpt is split into text and <mark> by hand for the same reason.

const FACETS = [
  { key: "city", label: "City" },
  { key: "year", label: "Year" },
  { key: "month", label: "Month" },
  { key: "source", label: "Source" },
  { key: "tag", label: "Tag" },
];
const PAGE_SIZE = 10;
// Long facets (hundreds of cities or tags) show their biggest values first, the rest folded.
const SHOWN_VALUES = 12;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December"];
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
// A word every article carries (scripts/dateline/search.py, EVERY_ARTICLE). With only
// filters set we search for it: Pagefind answers a null search by downloading every
// index chunk (megabytes on a large archive), this word costs one small chunk.
const EVERY_ARTICLE = "zzdatelineeveryarticle";
// Scoring every article is slow on a large archive (seconds at 50,000), so a filter-only
// search looks for the hidden word of one chosen value instead (search.py, facet_word):
// a month, else a city, tag, source or year, whichever comes first with a single value.
const NARROWEST_FIRST = ["month", "city", "tag", "source", "year"];
// Decomposed, without marks: as search.py's without_marks.
const withoutMarks = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "");
const facetWord = (key, value) => `dl${key}_` + withoutMarks(value.toLowerCase())
  .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");

function filterOnlyTerm(filters) {
  const key = NARROWEST_FIRST.find((name) => filters[name]?.length === 1);
  return key ? facetWord(key, filters[key][0]) : EVERY_ARTICLE;
}

// The bundle sits at the site root, two folders above this script (assets/search/),
// whatever subpath the site is served under: pagefind.js and manifest.json at its top,
// then one Pagefind bundle per shard of the archive (a year, or a run of months or
// days; scripts/dateline/search.py), which the manifest lists oldest first.
const ROOT = new URL("../../pagefind/", import.meta.url);
const BUNDLE = new URL("pagefind.js", ROOT).href;
const MANIFEST = new URL("manifest.json", ROOT).href;
// Result URLs are relative to the site root (the folder above the bundle).
const SITE_ROOT = new URL("../", ROOT).pathname;
// Other names of the archive's cities (Qandahar, قندهار), each of one city only, and the
// city's name to search for instead (scripts/dateline/search.py, PlaceNames): the
// articles hold their cities' names, not a copy of every other name. places.json says
// which files hold them, one per first letter, named as search.py's place_file does.
const PLACES = new URL("places.json", ROOT).href;
const placeFile = (letter) => `places/${/^[a-z0-9]$/.test(letter)
  ? letter : `u${letter.codePointAt(0).toString(16).padStart(4, "0")}`}.json`;

// A name as search.py's fold_name folds it: decomposed, no marks, lowercase, every run
// of anything but letters and digits one space.
const foldName = (text) => withoutMarks(text).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

// The words searched for: each run of words that is another name of a city becomes the
// city's name, the longest run first; the rest as typed. Words without such a name stay
// exactly as typed (and so do quoted phrases: termOf does not ask).
function searchedAs(words, places) {
  if (!places?.longest) return words;
  const typed = words.split(/\s+/).filter(Boolean);
  const folded = typed.map(foldName);
  const out = [];
  let named = false;
  for (let at = 0; at < typed.length;) {
    let taken = 0;
    for (let count = Math.min(places.longest, typed.length - at); count > 0 && !taken; count--) {
      const key = folded.slice(at, at + count).filter(Boolean).join(" ");
      if (key && Object.hasOwn(places.names, key)) {
        out.push(places.names[key]);
        taken = count;
        named = true;
      }
    }
    if (!taken) {
      out.push(typed[at]);
      taken = 1;
    }
    at += taken;
  }
  return named ? out.join(" ") : words;
}

// The header box (overrides/partials/dateline-search.html) opens as an overlay on small
// screens through Material's #__search toggle. Material's script, which would focus the
// box, serves only its own search plugin, so the focus is given here; and, as Material
// does for its own box, the box reached with Tab opens the overlay (below Material's
// breakpoint the box is shown only there, so the reader would type unseen), and Tab
// onward closes it again, so that the focus is never hidden under it.
const toggle = document.getElementById("__search");
const headerBox = document.querySelector(".dateline-header-search input[name=q]");
const overlaid = window.matchMedia("(max-width: 59.984375em)");
if (toggle && headerBox) {
  const setOverlay = (open) => {
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  };
  toggle.addEventListener("change", () => { if (toggle.checked) headerBox.focus(); });
  headerBox.addEventListener("focus", () => { if (overlaid.matches) setOverlay(true); });
  headerBox.addEventListener("blur", (event) => {
    // Only when the focus went to another control: a tap outside closes the overlay by itself.
    if (overlaid.matches && event.relatedTarget && !headerBox.form.contains(event.relatedTarget)) setOverlay(false);
  });
  headerBox.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { setOverlay(false); headerBox.blur(); }
  });
}

// A data attribute, not an id: an article heading "Dateline search" gets that id, and
// the sanitiser strips data attributes from articles, so only the search page has it.
const root = document.querySelector("[data-dateline-search]");
if (root) start(root);

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const { key } of FACETS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) filters[key] = [...new Set(values)];
  }
  const sort = params.get("sort");
  return { q: (params.get("q") || "").trim(), filters, sort: sort in SORTS ? sort : "" };
}

function stateUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const { key } of FACETS) for (const value of state.filters[key] || []) params.append(key, value);
  if (state.sort) params.set("sort", state.sort);
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function pagefindFilters(filters) {
  const out = {};
  for (const [key, values] of Object.entries(filters)) out[key] = { any: values };
  return out;
}

function valueLabel(key, value) {
  if (key === "month") {
    const match = /^(\d{4})-(\d{2})$/.exec(value);
    if (match && +match[2] >= 1 && +match[2] <= 12) return `${MONTHS[+match[2] - 1]} ${match[1]}`;
  }
  return value;
}

function orderValues(key, counts) {
  const values = Object.keys(counts);
  // Dates read newest first; names by how many articles they hold, then alphabetically.
  if (key === "year" || key === "month") return values.sort().reverse();
  return values.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
}

// The period a shard holds, from its first to its last article: "2021", "May–August 2021".
function periodLabel(shard) {
  const [fromYear, fromMonth] = shard.from.split("-");
  const [toYear, toMonth] = shard.to.split("-");
  if (fromYear !== toYear) return `${fromYear}–${toYear}`;
  if (fromMonth === toMonth) return `${MONTHS[+fromMonth - 1]} ${fromYear}`;
  if (fromMonth === "01" && toMonth === "12") return fromYear;
  return `${MONTHS[+fromMonth - 1]}–${MONTHS[+toMonth - 1]} ${fromYear}`;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "text") node.textContent = value;
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// Pagefind's excerpt is the article's text with `<` and `>` escaped and the matched
// words wrapped in <mark>. Rebuild it as text nodes and <mark> elements.
function excerptNodes(excerpt) {
  const decode = (text) => text.replace(/&(lt|gt|amp|quot|#39);/g,
    (_, name) => ({ lt: "<", gt: ">", amp: "&", quot: '"', "#39": "'" })[name]);
  const nodes = [];
  let marked = false;
  for (const part of excerpt.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) nodes.push(marked ? el("mark", { text: decode(part) }) : document.createTextNode(decode(part)));
  }
  return nodes;
}

function resultItem(data) {
  const meta = data.meta || {};
  // An article in another language than English is marked as in it, written right to left
  // where it is (search.py's record says so); dir=auto otherwise, as for a title in Pashto
  // or Persian among English ones.
  const language = data.filters?.language?.[0];
  const marks = language ? { lang: language, dir: data.filters.direction?.[0] || "ltr" } : { dir: "auto" };
  const details = [];
  if (meta.date) details.push(el("time", { datetime: meta.date, text: meta.date_label || meta.date }));
  // <bdi>: a name in Arabic script among English ones keeps its place in the line.
  if (meta.cities) details.push(el("bdi", { text: meta.cities }));
  if (meta.source) details.push(el("bdi", { text: meta.source }));
  const line = el("p", { class: "dateline-result__meta" });
  details.forEach((node, index) => line.append(...(index ? [" · ", node] : [node])));
  return el("li", { class: "dateline-result" },
    el("h2", { class: "dateline-result__title", ...marks }, el("a", { href: data.url, text: meta.title || data.url })),
    line,
    el("p", { class: "dateline-result__excerpt", ...marks }, ...excerptNodes(data.excerpt || "")));
}

async function start(root) {
  const form = root.querySelector(".dateline-search__form");
  const input = form.elements.q;
  const sortSelect = form.elements.sort;
  const filterBox = root.querySelector(".dateline-search__filters");
  const status = root.querySelector(".dateline-search__status");
  // Said here, not in the page: without this script, nothing is loading.
  status.textContent = "Loading the search index…";
  const list = root.querySelector(".dateline-search__results");
  const more = root.querySelector(".dateline-search__more");
  const headerInput = document.querySelector(".dateline-header-search input[name=q]");

  // The place names load with the words searched: the names beginning with each word's
  // first letter, once per letter (a bundle without them searches the words as typed; an
  // older build's places.json, format 1, holds every name itself).
  const fetchJson = (url) => fetch(url)
    .then((response) => (response.ok ? response.json() : null)).catch(() => null);
  let placeIndex;
  const letterFiles = new Map();
  async function places(words) {
    const index = await (placeIndex ??= fetchJson(PLACES));
    if (!index?.longest || index.names) return index;
    const present = new Set(index.files);
    const wanted = new Set(words.split(/\s+/).map(foldName).filter(Boolean)
      .map((word) => placeFile(String.fromCodePoint(word.codePointAt(0))))
      .filter((file) => present.has(file)));
    const tables = await Promise.all([...wanted].map((file) => {
      if (!letterFiles.has(file)) letterFiles.set(file, fetchJson(new URL(file, ROOT).href));
      return letterFiles.get(file);
    }));
    return { longest: index.longest, names: Object.assign({}, ...tables.map((table) => table?.names)) };
  }
  // Quoted phrases are searched as typed, without fetching any names.
  const termOf = async (words) => (words.includes('"') ? words : searchedAs(words, await places(words)));
  const opened = readState(location.search).q;
  if (opened) places(opened);

  let pagefind;
  let shards;
  try {
    const manifest = fetch(MANIFEST).then((response) => {
      if (!response.ok) throw new Error(`${MANIFEST}: HTTP ${response.status}`);
      return response.json();
    });
    [pagefind, { shards }] = await Promise.all([import(BUNDLE), manifest]);
  } catch (error) {
    failed(error);
    return;
  }
  if (!shards.length) {
    failed(new Error("No language indexes: the archive has no articles"));
    return;
  }

  // One Pagefind instance per shard, made when a search first needs that shard: its
  // entry, page table and chunks load only then. The WebAssembly is one file that all
  // shards share (their entries point to it), and one module in Pagefind's worker: the
  // first instance must have started it before the others are made, or two of them
  // start it at once and one is left with memory that is not its own ("memory access
  // out of bounds"; Pagefind's mergeIndex waits the same way). An empty search returns
  // once an instance is ready. Each entry's address carries the shard's hash, so
  // browsers may keep it until the shard changes.
  const instances = new Map();
  let first;
  function instance(shard) {
    if (!instances.has(shard.folder)) {
      const make = async () => {
        const one = pagefind.createInstance({
          basePath: new URL(`${shard.folder}/`, ROOT).pathname, baseUrl: SITE_ROOT,
          excerptLength: 30, metaCacheTag: shard.hash.slice(0, 16),
        });
        await one.search("");
        return one;
      };
      const ready = first ? first.then(make) : (first = make());
      instances.set(shard.folder, ready);
    }
    return instances.get(shard.folder);
  }

  // Only the shards a year or month filter leaves open are searched.
  function shardsFor(filters) {
    const years = filters.year;
    const months = filters.month;
    return shards.filter((shard) =>
      (!years || years.some((year) => shard.from <= `${year}-12-31` && shard.to >= `${year}-01-01`))
      && (!months || months.some((month) => shard.from <= `${month}-31` && shard.to >= `${month}-01`)));
  }

  function sumCounts(all) {
    const sum = {};
    for (const counts of all) {
      for (const [key, values] of Object.entries(counts || {})) {
        sum[key] ??= {};
        for (const [value, count] of Object.entries(values)) sum[key][value] = (sum[key][value] || 0) + count;
      }
    }
    return sum;
  }

  // The order a search reads its shards in: newest first (by relevance too, so the first
  // results on screen are the newest coverage), oldest first when sorted so.
  function readingOrder(chosen, sort) {
    return sort?.date === "asc" ? [...chosen] : [...chosen].reverse();
  }

  // Shards hold disjoint periods, so date-sorted results taken in reading order are sorted
  // across them all; by relevance, results merge by score (as Pagefind's own mergeIndex
  // does), newer shards first among equal scores. Filter counts are summed.
  function merge(found, sort) {
    const results = found.flatMap((one) => one?.results || []);
    if (!sort) results.sort((a, b) => b.score - a.score);
    return { results, filters: sumCounts(found.map((one) => one?.filters)) };
  }

  // A word a shard does not hold, Pagefind answers with what it does hold: the longest
  // beginning of the word that is a word of the shard ("airport" finds the articles
  // with "a"), and beside other words the word is left out ("kandahar falls" finds every
  // Kandahar article). One index of the whole archive holds the word, and finds only the
  // articles with it; so must the shards together. A shard's answer counts when each
  // word typed is a word of it or of no shard at all (then every shard answers as one
  // index would). Quoted phrases are searched exactly, without such answers.
  const held = new Map();
  // Whether a shard holds the word: a quoted search of it finds something (its other
  // forms too, "earthquakes" finds "earthquake"), or the word begins one of the words the
  // first article found by it is found by ("earthq", being typed).
  function holds(shard, word) {
    const key = `${shard.folder}\n${word}`;
    if (!held.has(key)) {
      held.set(key, (async () => {
        const one = await instance(shard);
        if ((await one.search(`"${word}"`)).results.length) return true;
        const top = (await one.search(word)).results[0];
        if (!top) return false;
        const data = await top.data();
        const words = data.content.split(/[\r\n\s]+/g);
        const seen = (data.locations || []).map((at) => words[at] || "");
        for (const field of top.matchedMetaFields || []) seen.push(String(data.meta?.[field] ?? ""));
        return foldName(seen.join(" ")).split(" ").some((token) => token.startsWith(word));
      })());
    }
    return held.get(key);
  }
  // Whether some shard of the archive holds the word: those searched (`first`, whose word
  // chunks load anyway) are asked first, the others only if none of them does.
  async function known(word, first) {
    const any = async (some) => (await Promise.all(some.map((shard) => holds(shard, word)))).some(Boolean);
    return (await any(first)) || any(shards.filter((shard) => !first.includes(shard)));
  }

  // One search over the shards the filters leave open. With `early`, the first shard in
  // reading order is searched alone and its answer handed to `early` before the others
  // are asked: on a large archive each shard costs its page table and word chunk, so
  // the first results come from one shard's bytes, not from all of them. `words`: the
  // words typed (see holds), none for a search by filters alone or a quoted phrase.
  async function search(term, filters, sort, chosen = shardsFor(filters), early = null, words = []) {
    const counted = async (shard, found) => {
      if (!found.results.length || shards.length < 2) return true;  // one shard: Pagefind's own answer
      const lacked = [];
      for (const word of words) if (!(await holds(shard, word))) lacked.push(word);
      for (const word of lacked) if (await known(word, chosen)) return false;
      return true;
    };
    const ask = async (shard) => {
      const found = await (await instance(shard)).search(term, { filters: pagefindFilters(filters), sort });
      return (await counted(shard, found)) ? found : { ...found, results: [], filters: {} };
    };
    const order = readingOrder(chosen, sort);
    const head = [];
    if (early && order.length > 1) {
      const shard = order.shift();
      head.push(await ask(shard));
      // Its results are drawn (their fragments fetched) before the other shards are asked,
      // which would otherwise compete with them for the network and the worker.
      await early(merge(head, sort), shard);
    }
    return merge([...head, ...(await Promise.all(order.map(ask)))], sort);
  }
  // The words of a search (see holds), folded as the index folds them; none for a quoted
  // phrase.
  const wordsOf = (term) => (term.includes('"') ? [] : foldName(term).split(" ").filter(Boolean));

  // Filter counts need every filter chunk of the shards involved (on a large archive,
  // more bytes than the search itself), so they load once the first results are on screen.
  const filtersLoaded = new Map();
  function loadFilters(chosen) {
    return Promise.all(chosen.map((shard) => {
      if (!filtersLoaded.has(shard.folder)) {
        filtersLoaded.set(shard.folder, instance(shard).then((one) => one.filters()));
      }
      return filtersLoaded.get(shard.folder);
    }));
  }
  const allFilters = async () => sumCounts(await loadFilters(shards));

  function failed(error) {
    // An archive without articles has a bundle without any language index.
    status.textContent = /No language indexes/.test(error?.message)
      ? "There are no articles to search yet."
      : "The search index could not be loaded. Browse the archive by city or by date instead.";
    status.classList.add("dateline-search__status--none");
    console.error(error);
  }

  let state = readState(location.search);
  let run = 0;
  let results = [];
  let shown = 0;
  let searchedFor = "";  // the status's note that a city's other name was searched as its name

  // One history entry per search the reader committed (Enter, a filter, the order) or
  // paused on while typing, so that Back returns to the search before. A pause's entry is
  // marked as typed: further typing that only refines its words (one begins the other,
  // "her" then "herat") replaces it, and Enter on it keeps it, now committed; so does
  // Enter on words that refine it typed since the pause, before the next one (the
  // entry would otherwise stay behind, a half-typed search that Back returns to).
  function go(next, typed = false) {
    const current = readState(location.search);
    const before = current.q.toLowerCase();
    state = next;
    const url = stateUrl(state);
    const words = state.q.toLowerCase();
    const refines = history.state?.typed
      && stateUrl({ ...current, q: "" }) === stateUrl({ ...state, q: "" })
      && (words.startsWith(before) || before.startsWith(words));
    if (url === location.pathname + location.search) {
      if (!typed && history.state?.typed) history.replaceState(null, "", url);
    } else if (refines) {
      history.replaceState(typed ? { typed: true } : null, "", url);
    } else {
      history.pushState(typed ? { typed: true } : null, "", url);
    }
    render();
  }

  async function counts(base) {
    // A facet's counts must ignore its own selection (cities combine with "any"), so
    // each facet with a selection gets its own search without it (and, without words,
    // without that facet's hidden word too), over the shards that search needs.
    const byFacet = {};
    await Promise.all(FACETS.map(async ({ key }) => {
      if (!state.filters[key]) { byFacet[key] = base[key] || {}; return; }
      const others = { ...state.filters };
      delete others[key];
      const term = state.q ? await termOf(state.q) : filterOnlyTerm(others);
      await loadFilters(shardsFor(others));
      const other = await search(term, others, undefined, undefined, null, state.q ? wordsOf(term) : []);
      byFacet[key] = other.filters[key] || {};
    }));
    return byFacet;
  }

  function render() {
    draw().catch(failed);
  }

  async function draw() {
    const mine = ++run;
    input.value = state.q;
    if (headerInput) headerInput.value = state.q;
    sortSelect.value = state.sort;
    const hasFilters = Object.keys(state.filters).length > 0;
    let term = state.q ? await termOf(state.q) : filterOnlyTerm(state.filters);
    if (mine !== run) return;
    if (!state.q && !hasFilters) {
      const all = await allFilters();
      if (mine !== run) return;
      drawFilters(all);
      showMessage("Type words above, or pick a city, date, source or tag.");
      return;
    }
    status.textContent = "Searching…";
    // Without words, relevance means nothing: filter-only lists read newest first.
    const sort = SORTS[state.sort] || (state.q ? undefined : SORTS.newest);
    // The first shard's matches go on screen while the other shards are searched; the
    // list is then drawn again from all of them, keeping the items already drawn.
    const early = async (partial, shard) => {
      if (mine !== run || !partial.results.length) return;
      list.setAttribute("aria-busy", "true");
      const count = partial.results.length;
      status.textContent = `${count.toLocaleString("en")} ${count === 1 ? "match" : "matches"} from `
        + `${periodLabel(shard)} so far; searching the rest of the archive…`;
      results = partial.results;
      shown = 0;
      list.replaceChildren();
      await showMore();
    };
    const words = state.q ? wordsOf(term) : [];
    let found = await search(term, state.filters, sort, undefined, early, words);
    if (!state.q && term !== EVERY_ARTICLE && !found.results.length
        && !(await search(term, {}, undefined, shardsFor(state.filters))).results.length) {
      // The hidden word is unknown to the index (it should never be): ask the slow way.
      term = EVERY_ARTICLE;
      found = await search(term, state.filters, sort);
    }
    if (mine !== run) return;  // a newer search has started
    const wanted = Math.max(shown, PAGE_SIZE);
    results = found.results;
    shown = 0;
    list.replaceChildren();
    list.removeAttribute("aria-busy");
    // Words typed with quotes of their own are shown as typed, not quoted again; a
    // search by filters alone has no words to check the spelling of.
    const what = !state.q ? "these filters" : state.q.includes('"') ? state.q : `“${state.q}”`;
    const advice = state.q ? "Check the spelling, try fewer words, or remove a filter." : "Remove a filter, or choose others.";
    // A city's other name is searched as its name, and the reader is told so.
    searchedFor = state.q && term !== state.q ? ` Searched for “${term}”.` : "";
    status.textContent = results.length
      ? `${results.length.toLocaleString("en")} ${results.length === 1 ? "article" : "articles"} found.${searchedFor}`
      : `No articles match ${what}.${searchedFor} ${advice}`;
    status.classList.toggle("dateline-search__status--none", results.length === 0);
    await showMore(wanted);
    if (mine !== run) return;
    await loadFilters(shardsFor(state.filters));
    // Pagefind counts filter values only once their chunks are in: search again, now
    // from memory.
    const counted = await search(term, state.filters, sort, undefined, null, words);
    if (mine !== run) return;
    const byFacet = await counts(counted.filters);
    if (mine !== run) return;
    drawFilters(byFacet);
  }

  function showMessage(message) {
    results = [];
    shown = 0;
    list.replaceChildren();
    list.removeAttribute("aria-busy");
    more.hidden = true;
    status.textContent = message;
    status.classList.remove("dateline-search__status--none");
  }

  // A result's list item (at first a placeholder until its fragment arrives), so that
  // drawing the list again once every shard has answered keeps what is on screen.
  const items = new WeakMap();
  const loading = new WeakMap();
  function item(result) {
    if (!items.has(result)) {
      const slot = el("li", { class: "dateline-result-pending" });
      items.set(result, slot);
      loading.set(result, result.data().then((data) => {
        const drawn = resultItem(data);
        items.set(result, drawn);
        slot.replaceWith(drawn);
      }));
    }
    return items.get(result);
  }

  async function showMore(count = PAGE_SIZE) {
    const page = results.slice(shown, shown + count);
    shown += page.length;
    more.hidden = shown >= results.length;
    // Each result appears as soon as its own fragment arrives, in its place.
    list.append(...page.map(item));
    await Promise.all(page.map((result) => loading.get(result)));
  }

  // Drawing the filters again (after every change of the search) keeps the keyboard's
  // focus on the same control, known by what it does, and the folded lists open that were.
  const facetOf = (node) => node.closest("[data-facet]")?.dataset.facet;
  const controlKey = (node) => JSON.stringify(
    [node.localName, facetOf(node) ?? null, node.matches("input") ? node.value : null]);

  // "Show more results": the focus moves to the first result it adds (the button itself
  // is hidden by the last one), unless the reader has moved it meanwhile, and the status
  // says how many are shown.
  async function showNext() {
    const mine = run;
    const first = results[shown];
    await showMore();
    if (mine !== run) return;
    status.textContent = `Showing ${shown.toLocaleString("en")} of ${results.length.toLocaleString("en")} `
      + `articles found.${searchedFor}`;
    if (first && [more, document.body].includes(document.activeElement)) {
      items.get(first)?.querySelector("a")?.focus();
    }
  }

  function drawFilters(countsByFacet) {
    const focused = filterBox.contains(document.activeElement) ? controlKey(document.activeElement) : null;
    const open = new Set([...filterBox.querySelectorAll("details[open]")].map(facetOf));
    const groups = [];
    for (const { key, label } of FACETS) {
      const counts = { ...(countsByFacet[key] || {}) };
      const selected = new Set(state.filters[key] || []);
      for (const value of selected) if (!(value in counts)) counts[value] = 0;
      const values = orderValues(key, counts).filter((value) => counts[value] > 0 || selected.has(value));
      if (!values.length) continue;
      const options = values.map((value) => {
        const box = el("input", { type: "checkbox", name: key, value, checked: selected.has(value) });
        box.addEventListener("change", () => {
          const chosen = new Set(state.filters[key] || []);
          if (box.checked) chosen.add(value); else chosen.delete(value);
          const filters = { ...state.filters };
          if (chosen.size) filters[key] = [...chosen]; else delete filters[key];
          go({ ...state, filters });
        });
        // <bdi>: a value written right to left stays before its count, not after it.
        return el("li", {}, el("label", {}, box, " ", el("bdi", { text: valueLabel(key, value) }), " ",
          el("span", { class: "dateline-search__count", text: `(${counts[value].toLocaleString("en")})` })));
      });
      const head = options.slice(0, SHOWN_VALUES);
      const rest = options.slice(SHOWN_VALUES);
      const fieldset = el("fieldset", { class: "dateline-search__facet", "data-facet": key },
        el("legend", { text: label }), el("ul", {}, ...head));
      if (rest.length) {
        fieldset.append(el("details", { open: open.has(key) },
          el("summary", { text: `${rest.length} more` }), el("ul", {}, ...rest)));
      }
      groups.push(fieldset);
    }
    if (Object.keys(state.filters).length) {
      const clear = el("button", { type: "button", class: "md-button dateline-search__clear", text: "Clear filters" });
      clear.addEventListener("click", () => go({ ...state, filters: {} }));
      groups.push(clear);
    }
    filterBox.replaceChildren(...groups);
    if (focused === null) return;
    // A value no longer listed, or "Clear filters" once nothing is left to clear: the
    // filters' group itself takes the focus, from where Tab reaches the first filter.
    const control = [...filterBox.querySelectorAll("input, summary, button")]
      .find((node) => controlKey(node) === focused);
    const details = control?.closest("details");
    if (details) details.open = true;
    (control || filterBox).focus();
  }

  let typing;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    go({ ...state, q: input.value.trim() });
  });
  input.addEventListener("input", () => {
    places(input.value);
    clearTimeout(typing);
    // While typing, results follow the words after a pause (see go for the history).
    typing = setTimeout(() => go({ ...state, q: input.value.trim() }, true), 250);
  });
  sortSelect.addEventListener("change", () => go({ ...state, sort: sortSelect.value }));
  more.addEventListener("click", () => showNext().catch(failed));
  window.addEventListener("popstate", () => { state = readState(location.search); render(); });

  render();
}
