/* Compiled core of the perceptron word model: syllable codes, lexicon matches, hashed features,
 * greedy decoding and averaged-perceptron training; and, on the way from text to decisions, the
 * split of the commonest chunks of text into units (tone marks placed by _spelling.c), which a
 * fresh process would otherwise spend a call into Python on for every new word.
 *
 * The Python module tachtu.model.perceptron holds the same algorithm in pure Python
 * (tachtu.model.features); tests check that both give identical joins. Every hash here must stay
 * bit-for-bit equal to its Python twin, or shipped weights silently stop matching their features.
 *
 * Why C: the whole segmenter has about 500 ns per syllable to reach 2M syllables/s end to end, and
 * the model gets a fraction of that. Feature hashing in numpy spends most of it on temporaries.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_json.h"
#include "_spelling.h"

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#else
#define PREFETCH(p) ((void)0)
#define ALWAYS_INLINE inline
#define NOINLINE
#endif

#define MAX_SPAN 12       /* longest lexicon match looked for, in syllables */
#define CAP_SPAN 8        /* lexicon lengths above this share one feature value */
#define N_TEMPLATES 32
#define MAX_FEATURES 32
/* The shapes of tachtu.model.features (syllable_shape) */
#define SHAPE_LOWER 0
#define SHAPE_TITLE 1
#define SHAPE_UPPER 2     /* two or more capitals */
#define SHAPE_NUMBER 3
#define SHAPE_PUNCT 4     /* no letter or digit */
#define SHAPE_FOREIGN 5
#define SHAPE_NAME 6
#define SHAPE_DOTTED 7
#define SHAPE_PAD 8       /* shape of the positions before and after a sentence */
#define FID_BOS 8
#define FID_EOS 9
#define LEX_WORD 1
#define LEX_PREFIX 2

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Hash of a syllable span, one id at a time; equal spans of ids give equal hashes. */
#define SPAN_SEED 0x5bd1e9955bd1e995ULL
static inline uint64_t span_step(uint64_t h, uint32_t id)
{
    return mix64(h ^ ((uint64_t)id * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
}

static inline uint64_t slot_key(uint64_t h)
{
    uint64_t key = h & ~3ULL;
    return key ? key : 4;
}

/* Open-addressing set of span hashes; the two low bits of a slot are LEX_WORD / LEX_PREFIX. */
static inline int table_find(const uint64_t *table, uint64_t mask, uint64_t h, uint64_t *slot)
{
    uint64_t key = slot_key(h);
    uint64_t i = (h >> 20) & mask;
    for (;;) {
        uint64_t s = table[i];
        if (!s) {
            *slot = i;
            return 0;
        }
        if ((s & ~3ULL) == key) {
            *slot = i;
            return (int)(s & 3);
        }
        i = (i + 1) & mask;
    }
}

static inline int table_get(const uint64_t *table, uint64_t mask, uint64_t h)
{
    uint64_t slot;
    if (!mask)
        return 0;
    return table_find(table, mask, h, &slot);
}

/* Feature hashes: template number in the top bits, arguments below, mixed. A feature's slot
 * is its hash's top bits, and the top bits of a product by an odd constant depend on every bit
 * of the key: one multiplication mixes enough (multiplicative hashing), where mix64 takes two
 * multiplications and three xor-shifts, 22% of the instructions of segmenting. Models trained
 * before (feature_hash 1) keep mix64. */
#define FEATURE_MIX 0x9e3779b97f4a7c15ULL
static inline uint64_t feature_mix(int fast, uint64_t x)
{
    return fast ? x * FEATURE_MIX : mix64(x);
}
static inline uint64_t feat1(int fast, uint64_t t, uint64_t a)
{
    return feature_mix(fast, (t << 56) ^ a);
}
static inline uint64_t feat2(int fast, uint64_t t, uint64_t a, uint64_t b)
{
    return feature_mix(fast, (t << 56) ^ (a << 28) ^ b);
}
static inline uint64_t feat3(int fast, uint64_t t, uint64_t a, uint64_t b, uint64_t c)
{
    return feature_mix(fast, feat2(fast, t, a, b) ^ (c * 0x9e3779b97f4a7c15ULL));
}

typedef struct {
    const float *weights;
    /* The weights as 16-bit integers, when they all are integers of that range (the model
     * quantizes its weights so as it loads them): the same values in half the memory, which
     * keeps twice as many of them in cache (a table twice the size of the cache level below it
     * took 30% longer to segment with), summed exactly as integers. NULL: weights is read. */
    const int16_t *small;
    int shift; /* 64 - log2(table size): a feature's slot is its hash's top bits */
    const uint64_t *lexicon;
    uint64_t lexicon_mask;
    const uint64_t *mined; /* words mined from raw text: a second, independent lexicon */
    uint64_t mined_mask;
    uint32_t templates; /* bit t set: template t is used */
    int fast_hash;      /* feature_hash 2: one multiplication (see feature_mix); 1: mix64 */
    /* Register: a line whose syllables' register scores sum to at least register_threshold per
     * hundred units is in the formal register, and the templates of register_templates fire a
     * second copy of their feature there (at another slot, see REGISTER_XOR), so the model
     * learns another convention for that register (feature augmentation: legal essays join long
     * institution names that news splits). register_len 0: no register. */
    const int8_t *register_scores; /* by syllable id */
    Py_ssize_t register_len;
    int32_t register_threshold;
    uint32_t register_templates;
} Params;

/* The copy of a feature in the formal register sits at its slot XOR the top bits of this. */
#define REGISTER_XOR 0x9e3779b97f4a7c15ULL

/* Whether a line of n syllables is in the formal register: integer arithmetic, so the
 * pure-Python twin gets exactly the same answer. */
static int line_register(const Params *p, const uint32_t *ids, Py_ssize_t n)
{
    if (!p->register_len || !p->register_templates || !n)
        return 0;
    int64_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (ids[i] < (uint64_t)p->register_len)
            total += p->register_scores[ids[i]];
    return total * 100 >= (int64_t)p->register_threshold * n;
}

/* Per-sentence work arrays, sized for the longest sentence of a call. */
typedef struct {
    Py_ssize_t capacity;
    uint64_t *pairs; /* span hash of syllables a, a+1 (0: one of them is unknown) */
    uint32_t *ids, *fids;
    uint8_t *shapes, *cover, *end_left, *start_right, *fmm, *bmm, *run_len, *run_pos;
    uint8_t *longest_from, *longest_to, *forced, *labels;
    uint8_t *m_cover, *m_end_left, *m_start_right, *m_fmm, *m_bmm;
} Work;

static void work_free(Work *w)
{
    PyMem_Free(w->pairs);
    memset(w, 0, sizeof(*w));
}

/* Room for n syllables; the first `keep` ids, feature ids and shapes survive a reallocation. */
static int work_reserve(Work *w, Py_ssize_t n, Py_ssize_t keep)
{
    if (n <= w->capacity)
        return 0;
    Py_ssize_t cap = n < 256 ? 256 : n;
    if (cap < 2 * w->capacity) /* lines grow a chunk at a time: double, do not creep */
        cap = 2 * w->capacity;
    /* one block: the uint64 array, two uint32 arrays, then the byte arrays */
    char *block = PyMem_Malloc((size_t)cap * (sizeof(uint64_t) + 2 * sizeof(uint32_t) + 17) + 64);
    if (!block) {
        PyErr_NoMemory();
        return -1;
    }
    Work old = *w;
    w->pairs = (uint64_t *)block;
    w->ids = (uint32_t *)(w->pairs + cap);
    w->fids = w->ids + cap;
    uint8_t *b = (uint8_t *)(w->fids + cap);
    uint8_t **arrays[] = {&w->shapes, &w->cover, &w->end_left, &w->start_right, &w->fmm, &w->bmm,
                          &w->run_len, &w->run_pos, &w->longest_from, &w->longest_to, &w->forced,
                          &w->labels, &w->m_cover, &w->m_end_left, &w->m_start_right, &w->m_fmm,
                          &w->m_bmm};
    for (int k = 0; k < 17; k++)
        *arrays[k] = b + (size_t)k * cap;
    w->capacity = cap;
    if (keep > 0) {
        memcpy(w->ids, old.ids, (size_t)keep * sizeof(uint32_t));
        memcpy(w->fids, old.fids, (size_t)keep * sizeof(uint32_t));
        memcpy(w->shapes, old.shapes, (size_t)keep);
    }
    PyMem_Free(old.pairs);
    return 0;
}

static inline uint8_t cap8(Py_ssize_t v, uint8_t limit) { return v > limit ? limit : (uint8_t)v; }

/* Lexicon matches over spans of 2..MAX_SPAN syllables: for every boundary i (between syllables
 * i-1 and i), the longest word covering it, ending just before it, starting just after it, and
 * whether forward / backward maximum matching joins there. */
static void span_matches(const uint64_t *table, uint64_t mask, Work *w, Py_ssize_t n,
                         uint8_t *cover, uint8_t *end_left, uint8_t *start_right, uint8_t *fmm,
                         uint8_t *bmm)
{
    const uint32_t *ids = w->ids;
    memset(cover, 0, (size_t)n);
    memset(w->longest_from, 1, (size_t)n);
    memset(w->longest_to, 1, (size_t)n);
    memset(fmm, 0, (size_t)n);
    memset(bmm, 0, (size_t)n);
    if (mask) {
        /* Every span starts with a pair: hash the pairs and fetch their slots first, so that
         * the lookups below overlap their waits on memory instead of queueing. */
        uint64_t *pairs = w->pairs;
        for (Py_ssize_t a = 0; a + 1 < n; a++) {
            pairs[a] = 0;
            if (ids[a] && ids[a + 1]) {
                pairs[a] = span_step(span_step(SPAN_SEED, ids[a]), ids[a + 1]);
                PREFETCH(&table[(pairs[a] >> 20) & mask]);
            }
        }
        for (Py_ssize_t a = 0; a + 1 < n; a++) {
            if (!ids[a] || !ids[a + 1])
                continue;
            uint64_t h = pairs[a];
            Py_ssize_t limit = n - a < MAX_SPAN ? n - a : MAX_SPAN;
            for (Py_ssize_t len = 2; len <= limit; len++) {
                if (len > 2) {
                    uint32_t id = ids[a + len - 1];
                    if (!id)
                        break;
                    h = span_step(h, id);
                }
                int flags = table_get(table, mask, h);
                if (!flags)
                    break;
                if (flags & LEX_WORD) {
                    uint8_t l = cap8(len, 255);
                    w->longest_from[a] = l;
                    if (l > w->longest_to[a + len - 1])
                        w->longest_to[a + len - 1] = l;
                    uint8_t c = cap8(len, CAP_SPAN);
                    for (Py_ssize_t b = a + 1; b < a + len; b++)
                        if (c > cover[b])
                            cover[b] = c;
                }
            }
        }
        for (Py_ssize_t a = 0; a < n;) {
            Py_ssize_t l = w->longest_from[a];
            for (Py_ssize_t b = a + 1; b < a + l; b++)
                fmm[b] = 1;
            a += l;
        }
        for (Py_ssize_t e = n - 1; e >= 0;) {
            Py_ssize_t l = w->longest_to[e];
            for (Py_ssize_t b = e - l + 2; b <= e; b++)
                bmm[b] = 1;
            e -= l;
        }
    }
    if (n)
        end_left[0] = start_right[0] = 0;
    for (Py_ssize_t i = 1; i < n; i++) {
        end_left[i] = cap8(w->longest_to[i - 1], CAP_SPAN);
        start_right[i] = cap8(w->longest_from[i], CAP_SPAN);
    }
}

static void lexicon_features(const Params *p, Work *w, Py_ssize_t n)
{
    span_matches(p->mined, p->mined_mask, w, n, w->m_cover, w->m_end_left, w->m_start_right,
                 w->m_fmm, w->m_bmm);
    span_matches(p->lexicon, p->lexicon_mask, w, n, w->cover, w->end_left, w->start_right, w->fmm,
                 w->bmm);
    /* runs of capitalized syllables (title case, upper case, abbreviations) */
    for (Py_ssize_t a = 0; a < n;) {
        uint8_t s = w->shapes[a];
        int capital = s == 1 || s == 2 || s == 6 || s == 7;
        if (!capital) {
            w->run_len[a] = w->run_pos[a] = 0;
            a++;
            continue;
        }
        Py_ssize_t e = a;
        while (e < n && (w->shapes[e] == 1 || w->shapes[e] == 2 || w->shapes[e] == 6 ||
                         w->shapes[e] == 7))
            e++;
        for (Py_ssize_t k = a; k < e; k++) {
            w->run_len[k] = cap8(e - a, 6);
            w->run_pos[k] = cap8(k - a, 6);
        }
        a = e;
    }
}

/* Templates whose features depend on the decisions already taken (the previous label, the word
 * so far); all others depend on the syllables alone, and all of those below the first decision
 * template come first in the sum. */
#define DECISION_TEMPLATES (1u << 16 | 1u << 17 | 1u << 18 | 1u << 21 | 1u << 25 | 1u << 30)
#define FIRST_DECISION_TEMPLATE 16

/* Slots, by template number, of the features of boundary i that depend on the syllables only.
 * Returns the templates that fire there (the decision templates among them when used). Inlined
 * into one function per hash (below), each with its hash known at compile time. */
static ALWAYS_INLINE uint32_t
syllable_slots_hashed(const Params *p, const Work *w, Py_ssize_t n, Py_ssize_t i, uint32_t *slot,
                      const int fast, const uint32_t fixed)
{
    const uint32_t *f = w->fids;
    const uint8_t *c = w->shapes;
    uint64_t fm2 = i >= 2 ? f[i - 2] : FID_BOS, fm1 = f[i - 1], f0 = f[i];
    uint64_t fp1 = i + 1 < n ? f[i + 1] : FID_EOS, fp2 = i + 2 < n ? f[i + 2] : FID_EOS;
    uint64_t cm2 = i >= 2 ? c[i - 2] : SHAPE_PAD, cm1 = c[i - 1], c0 = c[i];
    uint64_t cp1 = i + 1 < n ? c[i + 1] : SHAPE_PAD;
    uint64_t lex = (uint64_t)w->cover[i] << 8 | (uint64_t)w->end_left[i] << 4 | w->start_right[i];
    uint64_t mm = (uint64_t)w->fmm[i] << 1 | w->bmm[i];
    uint32_t used = fixed ? fixed : p->templates, fired = used & DECISION_TEMPLATES;
    int shift = p->shift;
#define SET(t, expr)                                                                               \
    if (used & (1u << (t))) {                                                                      \
        slot[t] = (uint32_t)((expr) >> shift);                                                     \
        fired |= 1u << (t);                                                                        \
    }
    SET(0, feat1(fast, 0, 0));
    SET(1, feat1(fast, 1, fm1));
    SET(2, feat1(fast, 2, f0));
    SET(3, feat1(fast, 3, fm2));
    SET(4, feat1(fast, 4, fp1));
    SET(5, feat2(fast, 5, fm1, f0));
    SET(6, feat2(fast, 6, fm2, fm1));
    SET(7, feat2(fast, 7, f0, fp1));
    SET(8, feat3(fast, 8, fm2, fm1, f0));
    SET(9, feat3(fast, 9, fm1, f0, fp1));
    SET(10, feat2(fast, 10, fm1, fp1));
    SET(11, feat1(fast, 11, cm2 << 12 | cm1 << 8 | c0 << 4 | cp1));
    SET(12, feat1(fast, 12, cm1 << 8 | c0 << 4 | (i == 1)));
    SET(13, feat1(fast, 13, lex));
    SET(14, feat1(fast, 14, w->cover[i]));
    SET(15, feat1(fast, 15, mm));
    if (w->run_len[i - 1] && w->run_len[i] && w->run_pos[i] > w->run_pos[i - 1]) {
        SET(19, feat1(fast, 19, (uint64_t)w->run_len[i] << 4 | w->run_pos[i]));
        SET(20, feat2(fast, 20, (uint64_t)w->run_len[i] << 4 | w->run_pos[i], lex));
    }
    SET(22, feat2(fast, 22, fp1, fp2));
    SET(23, feat1(fast, 23, fp2));
    SET(24, feat3(fast, 24, lex, fm1, f0));
    SET(26, feat2(fast, 26, lex, cm1 << 4 | c0));
    uint64_t mined_lex = (uint64_t)w->m_cover[i] << 8 | (uint64_t)w->m_end_left[i] << 4 |
                         w->m_start_right[i];
    uint64_t mined_mm = (uint64_t)w->m_fmm[i] << 1 | w->m_bmm[i];
    SET(27, feat1(fast, 27, mined_lex));
    SET(28, feat1(fast, 28, mined_mm << 4 | mm));
    SET(29, feat1(fast, 29, (uint64_t)w->cover[i] << 4 | w->m_cover[i]));
    SET(31, feat2(fast, 31, w->m_cover[i], cm1 << 4 | c0));
#undef SET
    return fired;
}

static uint32_t syllable_slots_fast(const Params *p, const Work *w, Py_ssize_t n, Py_ssize_t i,
                                    uint32_t *slot)
{
    return syllable_slots_hashed(p, w, n, i, slot, 1, 0);
}

static uint32_t syllable_slots_mix64(const Params *p, const Work *w, Py_ssize_t n, Py_ssize_t i,
                                     uint32_t *slot)
{
    return syllable_slots_hashed(p, w, n, i, slot, 0, 0);
}

/* The templates of the shipped recipe (all but the mined lexicon's 27-29 and 31): a copy of the
 * slot functions with them known when compiling tests no template at run time. */
#define SHIPPED_TEMPLATES 0x47ffffffu

static uint32_t syllable_slots_shipped(const Params *p, const Work *w, Py_ssize_t n,
                                       Py_ssize_t i, uint32_t *slot)
{
    return syllable_slots_hashed(p, w, n, i, slot, 1, SHIPPED_TEMPLATES);
}

static inline uint32_t syllable_slots(const Params *p, const Work *w, Py_ssize_t n, Py_ssize_t i,
                                      uint32_t *slot)
{
    return p->fast_hash ? syllable_slots_fast(p, w, n, i, slot)
                        : syllable_slots_mix64(p, w, n, i, slot);
}

/* Slots of the decision templates of boundary i, given the decisions before it. */
static ALWAYS_INLINE void
decision_slots_hashed(const Params *p, const Work *w, Py_ssize_t i, int prev_label,
                      Py_ssize_t word_len, int extension, int word_flags, uint32_t *slot,
                      const int fast, const uint32_t fixed)
{
    uint64_t fm1 = w->fids[i - 1], f0 = w->fids[i];
    uint64_t mm = (uint64_t)w->fmm[i] << 1 | w->bmm[i];
    uint64_t wl = word_len > 5 ? 5 : (uint64_t)word_len;
    uint32_t used = fixed ? fixed : p->templates;
    int shift = p->shift;
#define SET(t, expr)                                                                               \
    if (used & (1u << (t)))                                                                        \
        slot[t] = (uint32_t)((expr) >> shift);
    SET(16, feat1(fast, 16, (uint64_t)prev_label << 4 | wl));
    SET(17, feat1(fast, 17, (uint64_t)extension << 4 | wl));
    SET(18, feat1(fast, 18, (uint64_t)extension << 8 | (uint64_t)w->cover[i] << 4 | mm));
    SET(21, feat3(fast, 21, (uint64_t)prev_label, fm1, f0));
    SET(25, feat2(fast, 25, (uint64_t)extension << 4 | wl, f0));
    SET(30, feat1(fast, 30, (uint64_t)word_flags << 8 | (uint64_t)extension << 4 | wl));
#undef SET
}

static void decision_slots_fast(const Params *p, const Work *w, Py_ssize_t i, int prev_label,
                                Py_ssize_t word_len, int extension, int word_flags,
                                uint32_t *slot)
{
    decision_slots_hashed(p, w, i, prev_label, word_len, extension, word_flags, slot, 1, 0);
}

static void decision_slots_shipped(const Params *p, const Work *w, Py_ssize_t i, int prev_label,
                                   Py_ssize_t word_len, int extension, int word_flags,
                                   uint32_t *slot)
{
    decision_slots_hashed(p, w, i, prev_label, word_len, extension, word_flags, slot, 1,
                          SHIPPED_TEMPLATES);
}

static void decision_slots_mix64(const Params *p, const Work *w, Py_ssize_t i, int prev_label,
                                 Py_ssize_t word_len, int extension, int word_flags,
                                 uint32_t *slot)
{
    decision_slots_hashed(p, w, i, prev_label, word_len, extension, word_flags, slot, 0, 0);
}

static inline void decision_slots(const Params *p, const Work *w, Py_ssize_t i, int prev_label,
                                  Py_ssize_t word_len, int extension, int word_flags,
                                  uint32_t *slot)
{
    if (p->fast_hash)
        decision_slots_fast(p, w, i, prev_label, word_len, extension, word_flags, slot);
    else
        decision_slots_mix64(p, w, i, prev_label, word_len, extension, word_flags, slot);
}

/* The word the decisions so far have built: where it starts, the lexicon flags of its span,
 * and the span's hash. Both decision loops (predict, decode) keep it the same way. */
typedef struct {
    Py_ssize_t start;
    int flags;
    uint64_t hash;
} WordSoFar;

static inline void word_begin(WordSoFar *word, const Work *w, Py_ssize_t i)
{
    word->start = i;
    word->flags = 0;
    word->hash = span_step(SPAN_SEED, w->ids[i]);
}

/* The lexicon flags of the word extended by unit i; *extended: the extended span's hash. */
static inline int word_extension(const Params *p, const Work *w, const WordSoFar *word,
                                 Py_ssize_t i, uint64_t *extended)
{
    *extended = span_step(word->hash, w->ids[i]);
    return w->ids[i] && w->ids[word->start] ? table_get(p->lexicon, p->lexicon_mask, *extended)
                                            : 0;
}

/* Unit i joined the word (label 1) or began a new one. */
static inline void word_decided(WordSoFar *word, const Work *w, Py_ssize_t i, int label,
                                uint64_t extended, int extension)
{
    if (label) {
        word->hash = extended;
        word->flags = extension;
    } else {
        word_begin(word, w, i);
    }
}

/* The hashed feature slots of boundary i, given the decisions before it, in template order. */
static int boundary_features(const Params *p, const Work *w, Py_ssize_t n, Py_ssize_t i,
                             int prev_label, Py_ssize_t word_len, int extension,
                             int word_flags, int formal, uint32_t *out)
{
    uint32_t slot[N_TEMPLATES];
    uint32_t fired = syllable_slots(p, w, n, i, slot);
    uint32_t copies = formal ? p->register_templates : 0;
    uint32_t xor = (uint32_t)(REGISTER_XOR >> p->shift);
    decision_slots(p, w, i, prev_label, word_len, extension, word_flags, slot);
    int k = 0;
    for (int t = 0; t < N_TEMPLATES; t++)
        if (fired >> t & 1) {
            out[k++] = slot[t];
            if (copies >> t & 1)
                out[k++] = slot[t] ^ xor;
        }
    return k;
}

/* Greedy left-to-right decoding with fixed weights: decode() without training, faster. A
 * boundary's score is the float sum of its weights in template order, as in decode(); the part
 * of that sum before the first decision template needs no decision, so it is done a block of
 * boundaries ahead, where the sums of neighbouring boundaries overlap instead of waiting on one
 * another, and only the rest waits on the decision before. */
#define PREDICT_BLOCK 32

/* A boundary's score as it is summed: float over float weights, int32 over 16-bit ones. */
typedef struct {
    float f;
    int32_t i;
} Score;

/* Add weight `slot` (from the 16-bit weights when `small`, a constant in each copy of
 * predict_with). */
static ALWAYS_INLINE void add_weight(const Params *p, int small, uint32_t slot, Score *s)
{
    if (small)
        s->i += p->small[slot];
    else
        s->f += p->weights[slot];
}

/* The templates that fired at a boundary, as the compiler can know them with the shipped
 * templates: all of them but 19 and 20, which fire only inside a run of capitals. */
#define RUN_TEMPLATES (1u << 19 | 1u << 20)
static ALWAYS_INLINE uint32_t fixed_fired(const int shipped, uint32_t fired)
{
    return shipped ? (SHIPPED_TEMPLATES & ~RUN_TEMPLATES) | (fired & RUN_TEMPLATES) : fired;
}

static ALWAYS_INLINE void predict_with(const Params *p, Work *w, Py_ssize_t n, const int small,
                                       const int shipped)
{
    uint32_t slots[PREDICT_BLOCK][N_TEMPLATES], fired[PREDICT_BLOCK];
    Score head[PREDICT_BLOCK];
    lexicon_features(p, w, n);
    if (!n)
        return;
    uint32_t copies = line_register(p, w->ids, n) ? p->register_templates : 0;
    uint32_t xor = (uint32_t)(REGISTER_XOR >> p->shift);
    w->labels[0] = 0;
    WordSoFar word;
    word_begin(&word, w, 0);
    for (Py_ssize_t b = 1; b < n; b += PREDICT_BLOCK) {
        Py_ssize_t e = n - b > PREDICT_BLOCK ? b + PREDICT_BLOCK : n;
        for (Py_ssize_t i = b; i < e; i++) {
            uint32_t *slot = slots[i - b];
            uint32_t f = fired[i - b] = shipped ? syllable_slots_shipped(p, w, n, i, slot)
                                                : syllable_slots(p, w, n, i, slot);
            /* with the shipped templates only the capitalized-run ones (19, 20) fire now and
             * then: the others are known when compiling, and their tests go */
            f = fixed_fired(shipped, f);
            Score score = {0.0f, 0};
            if (!copies) {
                for (int t = 0; t < FIRST_DECISION_TEMPLATE; t++)
                    if (f >> t & 1)
                        add_weight(p, small, slot[t], &score);
            } else {
                for (int t = 0; t < FIRST_DECISION_TEMPLATE; t++)
                    if (f >> t & 1) {
                        add_weight(p, small, slot[t], &score);
                        if (copies >> t & 1)
                            add_weight(p, small, slot[t] ^ xor, &score);
                    }
            }
            head[i - b] = score;
            for (int t = FIRST_DECISION_TEMPLATE; t < N_TEMPLATES; t++)
                if ((f & ~DECISION_TEMPLATES) >> t & 1)
                    PREFETCH(small ? (const void *)&p->small[slot[t]]
                                   : (const void *)&p->weights[slot[t]]);
        }
        for (Py_ssize_t i = b; i < e; i++) {
            uint64_t extended;
            int extension = word_extension(p, w, &word, i, &extended);
            int label;
            if (w->forced[i]) {
                label = w->forced[i] == 1;
            } else {
                uint32_t *slot = slots[i - b], f = fixed_fired(shipped, fired[i - b]);
                int prev = i == 1 ? 2 : w->labels[i - 1];
                if (shipped)
                    decision_slots_shipped(p, w, i, prev, i - word.start, extension, word.flags,
                                           slot);
                else
                    decision_slots(p, w, i, prev, i - word.start, extension, word.flags, slot);
                Score score = head[i - b];
                for (int t = FIRST_DECISION_TEMPLATE; t < N_TEMPLATES; t++)
                    if (f >> t & 1) {
                        add_weight(p, small, slot[t], &score);
                        if (copies >> t & 1)
                            add_weight(p, small, slot[t] ^ xor, &score);
                    }
                label = small ? score.i > 0 : score.f > 0.0f;
            }
            w->labels[i] = (uint8_t)label;
            word_decided(&word, w, i, label, extended, extension);
        }
    }
}

static void predict(const Params *p, Work *w, Py_ssize_t n)
{
    int shipped = p->fast_hash && p->templates == SHIPPED_TEMPLATES;
    if (p->small && shipped)
        predict_with(p, w, n, 1, 1);
    else if (p->small)
        predict_with(p, w, n, 1, 0);
    else if (shipped)
        predict_with(p, w, n, 0, 1);
    else
        predict_with(p, w, n, 0, 0);
}

/* Greedy left-to-right decoding; with weights/updates given, one perceptron pass (training).
 * gold == NULL: predict only. Returns the number of wrong boundaries (training) or 0. */
static Py_ssize_t decode(const Params *p, Work *w, Py_ssize_t n, const uint8_t *gold,
                         float *train_w, float *train_u, double *counter)
{
    Py_ssize_t errors = 0;
    uint32_t slots[2 * MAX_FEATURES];
    lexicon_features(p, w, n);
    int formal = line_register(p, w->ids, n);
    if (!n)
        return 0;
    w->labels[0] = 0;
    WordSoFar word;
    word_begin(&word, w, 0);
    const float *weights = train_w ? train_w : p->weights;
    for (Py_ssize_t i = 1; i < n; i++) {
        int prev_label = i == 1 ? 2 : w->labels[i - 1];
        uint64_t extended;
        int extension = word_extension(p, w, &word, i, &extended);
        int k = boundary_features(p, w, n, i, prev_label, i - word.start, extension, word.flags,
                                  formal, slots);
        int label;
        if (w->forced[i]) {
            label = w->forced[i] == 1;
        } else {
            float score = 0.0f;
            for (int j = 0; j < k; j++)
                score += weights[slots[j]];
            label = score > 0.0f;
        }
        if (gold) {
            *counter += 1.0;
            if (label != gold[i]) {
                float delta = gold[i] ? 1.0f : -1.0f;
                float acc = (float)(*counter) * delta;
                for (int j = 0; j < k; j++) {
                    train_w[slots[j]] += delta;
                    train_u[slots[j]] += acc;
                }
                errors++;
            }
        }
        w->labels[i] = (uint8_t)label;
        word_decided(&word, w, i, label, extended, extension);
    }
    return errors;
}

/* What the rules on marks need to know of the vocabulary (see apply_user_phrases). */
typedef struct {
    uint32_t full_stop;    /* the id of ".", or UINT32_MAX when the vocabulary has none */
    uint32_t slash;        /* the id of "/", or UINT32_MAX when the vocabulary has none */
    const uint8_t *short_; /* by id: 1 for a letter, or two that are no syllable (tp, h, Q, Ng) */
    Py_ssize_t short_len;
} MarkRules;

/* The boundaries no model decides: those the rules on marks fix, then the user dictionary's.
 * User dictionary: phrases whose inner boundaries are forced. Slots hold span hashes as in the
 * lexicon; masks[slot] has bit j set when the phrase joins its syllables j and j+1, and bit 31
 * set when the slot ends a phrase (not only a prefix of one). */
static void apply_user_phrases(const uint64_t *keys, const uint32_t *masks, uint64_t mask,
                               const MarkRules *marks, Work *w, Py_ssize_t n)
{
    memset(w->forced, 0, (size_t)n);
    /* Nothing joins a mark that comes before it: a sentence never ends inside a word, so the
     * words of a paragraph are the words of its sentences. Nor does a mark join the unit before
     * it, but for a dot after one letter, or two that spell no syllable: the gold writes the
     * abbreviations and initials that the tokenizer splits off their dot ("tp.", "h.", "Ng.")
     * as one word. A dot after anything else is a full stop: the model, which had learnt the
     * join from those, wrote "FBI_.", "EU_.", "Hạ_Vi_." and "Hồi_giáo_." at the end of
     * sentences. Nor after a slash, where the letters are a unit of measure ("km / l .",
     * "m3 / s ."). The writers glue the dot that ends a word to it, as the text does: "Ng.". */
    for (Py_ssize_t i = 1; i < n; i++) {
        uint8_t before = w->shapes[i - 1];
        uint32_t id = w->ids[i - 1];
        int abbreviation_dot = w->ids[i] == marks->full_stop && id < marks->short_len &&
                               marks->short_[id] && before != SHAPE_UPPER &&
                               !(i >= 2 && w->ids[i - 2] == marks->slash);
        if (before == SHAPE_PUNCT || (w->shapes[i] == SHAPE_PUNCT && !abbreviation_dot))
            w->forced[i] = 2;
    }
    if (!mask)
        return;
    for (Py_ssize_t a = 0; a + 1 < n;) {
        uint64_t h = span_step(SPAN_SEED, w->ids[a]);
        Py_ssize_t best = 0;
        uint32_t best_mask = 0;
        Py_ssize_t limit = n - a < 31 ? n - a : 31;
        for (Py_ssize_t len = 2; len <= limit && w->ids[a + len - 1]; len++) {
            h = span_step(h, w->ids[a + len - 1]);
            uint64_t slot;
            if (!table_find(keys, mask, h, &slot))
                break;
            if (masks[slot] & 0x80000000u) {
                best = len;
                best_mask = masks[slot];
            }
        }
        if (!best) {
            a++;
            continue;
        }
        for (Py_ssize_t j = 0; j + 1 < best; j++)
            w->forced[a + j + 1] = (best_mask >> j) & 1 ? 1 : 2;
        a += best;
    }
}

/* ---------------------------------------------------------------- the Python type */

/* What one whitespace-separated chunk of a line becomes: its syllable units, as the split
 * callable gave them (tone marks placed, punctuation split off), with their codes. Text is mostly
 * the same few thousand chunks over and over, so each distinct chunk is split and looked up once,
 * then found again by its characters without making a str of it. A chunk is one block of memory
 * that holds its own characters and its units' text, so that finding and writing it out touch
 * one place, not a str object per unit. */
typedef struct {
    uint64_t hash;
    Py_ssize_t n;        /* units */
    Py_ssize_t key_len;  /* characters of the chunk as written (0 when it is never looked up) */
    Py_ssize_t length;   /* characters of the units' text */
    size_t bytes;        /* size of the block, for the table's memory budget */
    Py_UCS4 maxchar;     /* largest PyUnicode_MAX_CHAR_VALUE of the units: the output's kind */
    int key_kind, text_kind;
    int met_again;       /* found in the table since it was last pruned */
    Py_ssize_t *ends;    /* unit k is text[ends[k - 1]:ends[k]] */
    uint32_t *ids, *fids;
    uint8_t *shapes;
    uint16_t *roles;     /* ROLE_* of each unit, for counting sentences */
    /* The masked format's class of each unit ('1' number, '6' bracket, '7' other marks, 0
     * none), known when masks_ready: the core's own for the chunks it splits itself, asked of
     * the call's masks_of for the others, when the masked format first needs them. */
    uint8_t *masks;
    int masks_ready;
    /* The kind of each unit, an index into the names a structured call is given, known when
     * kinds_ready: asked of the call's kinds_of when that call first needs them. */
    uint8_t *kinds;
    int kinds_ready;
    /* how quick_units split it: the word's unit (-1: the chunk went to the split callable) and
     * what the word is (QUICK_LETTERS, QUICK_NUMBER, QUICK_LETTERS_AND_DIGITS) */
    int word_at, word_class;
    void *key, *text;
} Chunk;

enum { QUICK_LETTERS, QUICK_NUMBER, QUICK_LETTERS_AND_DIGITS };

/* What a chunk table may hold; past either bound it is pruned (chunk_table_prune), between two
 * lines, which keeps memory flat on endless streams of new names and numbers. A news chunk takes
 * ~170 bytes. */
#define CHUNK_LIMIT (1 << 17)
#define CHUNK_BYTES ((size_t)24 << 20)
/* Longer chunks (URLs, runs of text without spaces) are split every time: they seldom recur. */
#define CHUNK_LONGEST 64
/* One table per split callable (one per tone style in practice). */
#define CHUNK_TABLES 4

typedef struct {
    uint64_t hash;
    Chunk *chunk;
} ChunkSlot;

/* What a split callable tells of itself in its attribute `quick`, so that the core splits the
 * commonest chunks without calling it: a word of letters or a plain number, with a mark before
 * it and marks after it (see quick_units), and gives the others to `rest`, the callable's own
 * way for chunks of other kinds (which does not try again what the core tried). */
#define QUICK_MARKS 16
typedef struct {
    PyObject *place;         /* place(word, style) -> the word with its tone mark placed */
    PyObject *style;
    int style_code;          /* STYLE_*, or -1: tone marks are placed by place() only */
    PyObject *dotted_words;  /* set: words that make one unit with a "." after them */
    Py_UCS4 leading[QUICK_MARKS], trailing[QUICK_MARKS];
    int n_leading, n_trailing;
    PyObject *rest;          /* rest(chunk) -> units, for a chunk quick_units leaves */
} Quick;

typedef struct {
    PyObject *split;   /* the callable the chunks came from; NULL: table unused */
    Quick quick;       /* place NULL: the split callable tells nothing, every chunk goes to it */
    ChunkSlot *slots;  /* open addressing, size a power of two, at most half full */
    Py_ssize_t size, used;
    size_t bytes;
} ChunkTable;

typedef struct {
    PyObject_HEAD
    Params params;
    Py_buffer weights_view, lexicon_view, mined_view, featmap_view, user_keys_view, user_masks_view;
    Py_buffer register_view; /* buf NULL: no register scores */
    const int32_t *featmap;
    Py_ssize_t featmap_len;
    const uint64_t *user_keys;
    const uint32_t *user_masks;
    uint64_t user_mask;
    MarkRules marks;
    uint8_t *short_units; /* owned: marks.short_ */
    int16_t *small_weights; /* owned: params.small */
    PyObject *surfaces; /* dict: surface string -> code (id << 3 | shape) */
    PyObject *fallback; /* callable: surface string -> code, for strings not in surfaces */
    /* Or, when given, what the core needs to code those itself (see unknown_code): the
     * vocabulary (key -> id), tone placement and the test of a Vietnamese syllable. */
    PyObject *key_ids, *place, *is_syllable;
    ChunkTable tables[CHUNK_TABLES];
    int next_table; /* the table to give to a new split callable when all are taken */
    /* Calls running now. The split and fallback callables run Python code, which may let another
     * thread into this object: chunk tables are cleared only when one call alone is running, and
     * every call has its own work arrays. */
    int active;
} CoreObject;

static int get_view(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (view->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: buffer of %zd bytes is no array of %zd-byte items",
                     what, view->len, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static int is_power_of_two(Py_ssize_t v) { return v > 0 && (v & (v - 1)) == 0; }

static int table_mask(Py_ssize_t items, uint64_t *mask, const char *what)
{
    if (items == 0) {
        *mask = 0;
        return 0;
    }
    if (!is_power_of_two(items)) {
        PyErr_Format(PyExc_ValueError, "%s: size %zd is no power of two", what, items);
        return -1;
    }
    *mask = (uint64_t)items - 1;
    return 0;
}

static void chunk_free(Chunk *c) { PyMem_Free(c); }

static void quick_clear(Quick *q)
{
    Py_CLEAR(q->place);
    Py_CLEAR(q->style);
    Py_CLEAR(q->dotted_words);
    Py_CLEAR(q->rest);
    q->n_leading = q->n_trailing = 0;
}

static int quick_marks(PyObject *marks, Py_UCS4 *out, int *n)
{
    if (!PyUnicode_Check(marks) || PyUnicode_GET_LENGTH(marks) > QUICK_MARKS) {
        PyErr_SetString(PyExc_TypeError, "split_chunk.quick: marks must be a str of at most 16");
        return -1;
    }
    *n = (int)PyUnicode_GET_LENGTH(marks);
    for (int i = 0; i < *n; i++)
        out[i] = PyUnicode_READ_CHAR(marks, i);
    return 0;
}

/* The split callable's `quick` attribute, (place, style, dotted_words, leading, trailing, rest), read
 * into q; none leaves q empty. -1 on a malformed one. */
static int quick_read(Quick *q, PyObject *split)
{
    quick_clear(q);
    PyObject *quick = PyObject_GetAttrString(split, "quick");
    if (!quick) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    int ok = PyTuple_Check(quick) && PyTuple_GET_SIZE(quick) == 6 &&
             PyCallable_Check(PyTuple_GET_ITEM(quick, 0)) &&
             PyAnySet_Check(PyTuple_GET_ITEM(quick, 2)) &&
             PyCallable_Check(PyTuple_GET_ITEM(quick, 5));
    if (!ok) {
        PyErr_SetString(PyExc_TypeError,
                        "split_chunk.quick must be (place, style, dotted_words, leading, "
                        "trailing, rest)");
    } else if (quick_marks(PyTuple_GET_ITEM(quick, 3), q->leading, &q->n_leading) < 0 ||
               quick_marks(PyTuple_GET_ITEM(quick, 4), q->trailing, &q->n_trailing) < 0) {
        ok = 0;
    } else {
        q->place = Py_NewRef(PyTuple_GET_ITEM(quick, 0));
        q->style = Py_NewRef(PyTuple_GET_ITEM(quick, 1));
        q->style_code = spelling_style(q->style);
        q->dotted_words = Py_NewRef(PyTuple_GET_ITEM(quick, 2));
        q->rest = Py_NewRef(PyTuple_GET_ITEM(quick, 5));
    }
    Py_DECREF(quick);
    return ok ? 0 : -1;
}

static void chunk_table_clear(ChunkTable *t)
{
    for (Py_ssize_t i = 0; i < t->size; i++)
        chunk_free(t->slots[i].chunk);
    PyMem_Free(t->slots);
    t->slots = NULL;
    t->size = t->used = 0;
    t->bytes = 0;
}

/* A full table keeps the chunks met again since it last filled (the words of the language)
 * and frees the rest (names, numbers, met once), so that it does not split the commonest chunks
 * again and again. When the ones met again fill half of it, all go. */
static void chunk_table_prune(ChunkTable *t)
{
    Py_ssize_t kept = 0;
    size_t kept_bytes = 0;
    for (Py_ssize_t i = 0; i < t->size; i++) {
        const Chunk *c = t->slots[i].chunk;
        if (c && c->met_again) {
            kept++;
            kept_bytes += c->bytes;
        }
    }
    ChunkSlot *slots = NULL;
    if (2 * kept <= CHUNK_LIMIT && 2 * kept_bytes <= CHUNK_BYTES)
        slots = PyMem_Calloc((size_t)t->size, sizeof(ChunkSlot));
    if (!slots) { /* or no memory for a new array: start again from nothing */
        chunk_table_clear(t);
        return;
    }
    size_t mask = (size_t)t->size - 1;
    for (Py_ssize_t i = 0; i < t->size; i++) {
        Chunk *c = t->slots[i].chunk;
        if (!c)
            continue;
        if (!c->met_again) {
            chunk_free(c);
            continue;
        }
        c->met_again = 0;
        size_t j = (size_t)t->slots[i].hash & mask;
        while (slots[j].chunk)
            j = (j + 1) & mask;
        slots[j] = t->slots[i];
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->used = kept;
    t->bytes = kept_bytes;
}

/* The core holds the model's fallback, a bound method of the model that holds the core: a
 * cycle, which only the cyclic collector can free, so the core takes part in it. The buffers
 * hold arrays, which hold nothing back. */
static int Core_traverse(CoreObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->surfaces);
    Py_VISIT(self->fallback);
    Py_VISIT(self->key_ids);
    Py_VISIT(self->place);
    Py_VISIT(self->is_syllable);
    for (int k = 0; k < CHUNK_TABLES; k++) {
        Py_VISIT(self->tables[k].split);
        Py_VISIT(self->tables[k].quick.place);
        Py_VISIT(self->tables[k].quick.style);
        Py_VISIT(self->tables[k].quick.dotted_words);
        Py_VISIT(self->tables[k].quick.rest);
    }
    return 0;
}

static int Core_clear(CoreObject *self)
{
    Py_CLEAR(self->surfaces);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->key_ids);
    Py_CLEAR(self->place);
    Py_CLEAR(self->is_syllable);
    for (int k = 0; k < CHUNK_TABLES; k++) {
        Py_CLEAR(self->tables[k].split);
        quick_clear(&self->tables[k].quick);
    }
    return 0;
}

static void Core_dealloc(CoreObject *self)
{
    PyObject_GC_UnTrack(self);
    Core_clear(self);
    PyBuffer_Release(&self->weights_view);
    PyBuffer_Release(&self->lexicon_view);
    PyBuffer_Release(&self->mined_view);
    PyBuffer_Release(&self->featmap_view);
    PyBuffer_Release(&self->user_keys_view);
    PyBuffer_Release(&self->user_masks_view);
    if (self->register_view.buf)
        PyBuffer_Release(&self->register_view);
    PyMem_Free(self->short_units);
    PyMem_Free(self->small_weights);
    for (int k = 0; k < CHUNK_TABLES; k++)
        chunk_table_clear(&self->tables[k]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Whether a unit of two letters may be an abbreviation: not a syllable, nor all capitals (an
 * "EU." ends a sentence). Units of one id differ only in case ("vi", "Vi", "VI"), so an id is
 * short by the units that qualify, and the rule checks the unit's own shape again. */
static int two_letter_abbreviation(long shape)
{
    return shape != SHAPE_LOWER && shape != SHAPE_TITLE && shape != SHAPE_UPPER;
}

/* The ids that MarkRules needs, from the vocabulary's surfaces (str -> id << 3 | shape). Of
 * two letters, only those that spell no Vietnamese syllable (Ng, tp, Kh) take the dot: the
 * gold writes no "Vi." or "sư.", and the dot after such a syllable ends a sentence ("Hạ Vi."). */
static int mark_rules(CoreObject *self, PyObject *surfaces)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    long largest = 0;
    while (PyDict_Next(surfaces, &pos, &key, &value)) {
        long code = PyLong_AsLong(value);
        if (code == -1 && PyErr_Occurred())
            return -1;
        if (code >> 3 > largest)
            largest = code >> 3;
    }
    self->short_units = PyMem_Calloc((size_t)largest + 1, 1);
    if (!self->short_units) {
        PyErr_NoMemory();
        return -1;
    }
    self->marks.full_stop = UINT32_MAX;
    self->marks.slash = UINT32_MAX;
    pos = 0;
    while (PyDict_Next(surfaces, &pos, &key, &value)) {
        long id = PyLong_AsLong(value) >> 3;
        if (!PyUnicode_Check(key) || !id)
            continue;
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        if (length == 1 && PyUnicode_READ_CHAR(key, 0) == '.')
            self->marks.full_stop = (uint32_t)id;
        else if (length == 1 && PyUnicode_READ_CHAR(key, 0) == '/')
            self->marks.slash = (uint32_t)id;
        else if (length <= 2 && Py_UNICODE_ISALPHA(PyUnicode_READ_CHAR(key, 0)) &&
                 Py_UNICODE_ISALPHA(PyUnicode_READ_CHAR(key, length - 1)) &&
                 (length == 1 || two_letter_abbreviation(PyLong_AsLong(value) & 7)))
            self->short_units[id] = 1;
    }
    self->marks.short_ = self->short_units;
    self->marks.short_len = largest + 1;
    return 0;
}

/* params.small: the weights as 16-bit integers, when every one is an integer of that range.
 * A sum of at most 2 * N_TEMPLATES of them is exact both in int32 and in float (below 2^24), so
 * either way gives the same decisions as the Python twin's float32 sums. */
static int small_weights(CoreObject *self, Py_ssize_t n)
{
    const float *weights = self->weights_view.buf;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(weights[i] >= -32767.0f && weights[i] <= 32767.0f) ||
            weights[i] != (float)(int16_t)weights[i])
            return 0;
    int16_t *small = PyMem_Malloc((size_t)n * sizeof(int16_t));
    if (!small) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        small[i] = (int16_t)weights[i];
    self->small_weights = small;
    self->params.small = small;
    return 0;
}

static int Core_init(CoreObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"weights", "lexicon", "mined", "featmap", "user_keys", "user_masks",
                             "surfaces", "fallback", "templates", "register_scores",
                             "register_threshold", "register_templates", "feature_hash",
                             "unknown", NULL};
    PyObject *weights, *lexicon, *mined, *featmap, *user_keys, *user_masks, *surfaces, *fallback;
    PyObject *register_scores = NULL, *unknown = NULL;
    unsigned int templates, register_templates = 0;
    int register_threshold = 0, feature_hash = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOO!OI|OiIiO", kwlist, &weights,
                                     &lexicon, &mined, &featmap, &user_keys, &user_masks,
                                     &PyDict_Type, &surfaces, &fallback, &templates,
                                     &register_scores, &register_threshold, &register_templates,
                                     &feature_hash, &unknown))
        return -1;
    if (unknown && unknown != Py_None &&
        !(PyTuple_Check(unknown) && PyTuple_GET_SIZE(unknown) == 3 &&
          PyDict_Check(PyTuple_GET_ITEM(unknown, 0)) &&
          PyCallable_Check(PyTuple_GET_ITEM(unknown, 1)) &&
          PyCallable_Check(PyTuple_GET_ITEM(unknown, 2)))) {
        PyErr_SetString(PyExc_TypeError, "unknown must be (key_ids, place, is_syllable)");
        return -1;
    }
    if (feature_hash != 1 && feature_hash != 2) {
        PyErr_Format(PyExc_ValueError, "feature_hash %d: this core knows 1 and 2", feature_hash);
        return -1;
    }
    if (self->surfaces) {
        PyErr_SetString(PyExc_RuntimeError, "Core is initialized once");
        return -1;
    }
    if (get_view(weights, &self->weights_view, 4, "weights") < 0)
        return -1;
    Py_ssize_t n_weights = self->weights_view.len / 4;
    if (!is_power_of_two(n_weights)) {
        PyErr_SetString(PyExc_ValueError, "weights: size is no power of two");
        return -1;
    }
    self->params.weights = self->weights_view.buf;
    if (small_weights(self, n_weights) < 0)
        return -1;
    int bits = 0;
    while (((Py_ssize_t)1 << bits) < n_weights)
        bits++;
    self->params.shift = 64 - bits;
    if (get_view(lexicon, &self->lexicon_view, 8, "lexicon") < 0)
        return -1;
    self->params.lexicon = self->lexicon_view.buf;
    if (table_mask(self->lexicon_view.len / 8, &self->params.lexicon_mask, "lexicon") < 0)
        return -1;
    if (get_view(mined, &self->mined_view, 8, "mined") < 0)
        return -1;
    self->params.mined = self->mined_view.buf;
    if (table_mask(self->mined_view.len / 8, &self->params.mined_mask, "mined") < 0)
        return -1;
    if (get_view(featmap, &self->featmap_view, 4, "featmap") < 0)
        return -1;
    self->featmap = self->featmap_view.buf;
    self->featmap_len = self->featmap_view.len / 4;
    if (get_view(user_keys, &self->user_keys_view, 8, "user_keys") < 0)
        return -1;
    if (get_view(user_masks, &self->user_masks_view, 4, "user_masks") < 0)
        return -1;
    if (self->user_keys_view.len / 8 != self->user_masks_view.len / 4) {
        PyErr_SetString(PyExc_ValueError, "user_keys and user_masks differ in length");
        return -1;
    }
    self->user_keys = self->user_keys_view.buf;
    self->user_masks = self->user_masks_view.buf;
    if (table_mask(self->user_keys_view.len / 8, &self->user_mask, "user_keys") < 0)
        return -1;
    self->params.templates = templates;
    self->params.fast_hash = feature_hash == 2;
    if (register_scores && register_scores != Py_None) {
        if (get_view(register_scores, &self->register_view, 1, "register_scores") < 0)
            return -1;
        self->params.register_scores = self->register_view.buf;
        self->params.register_len = self->register_view.len;
        self->params.register_threshold = register_threshold;
        self->params.register_templates = register_templates;
    }
    if (mark_rules(self, surfaces) < 0)
        return -1;
    Py_INCREF(surfaces);
    self->surfaces = surfaces;
    Py_INCREF(fallback);
    self->fallback = fallback;
    if (unknown && unknown != Py_None) {
        self->key_ids = Py_NewRef(PyTuple_GET_ITEM(unknown, 0));
        self->place = Py_NewRef(PyTuple_GET_ITEM(unknown, 1));
        self->is_syllable = Py_NewRef(PyTuple_GET_ITEM(unknown, 2));
    }
    return 0;
}

/* "new", the style of the keys the vocabulary is made of (tachtu.normalize.tone_key): made
 * once, at import, for the calls of place() that key a unit. */
static PyObject *new_style;

/* str.islower (upper 0) or str.isupper (upper 1) of s[from:]. */
static int all_cased(int kind, const void *data, Py_ssize_t from, Py_ssize_t len, int upper)
{
    int cased = 0;
    for (Py_ssize_t i = from; i < len; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISTITLE(ch) || (upper ? Py_UNICODE_ISLOWER(ch) : Py_UNICODE_ISUPPER(ch)))
            return 0;
        cased = cased || (upper ? Py_UNICODE_ISUPPER(ch) : Py_UNICODE_ISLOWER(ch));
    }
    return cased;
}

/* `word` with its tone mark placed in `style` (a new reference, NULL on error): by the C twin
 * (style_code, a STYLE_*) for the letters it knows, else by place(word, style) in Python. */
static PyObject *placed_tone(PyObject *word, int style_code, PyObject *style, PyObject *place)
{
    PyObject *placed = NULL;
    int known = style_code < 0 ? 0 : spelling_place_tone(word, style_code, &placed);
    if (known)
        return placed; /* or NULL with the error, for -1 */
    PyObject *args[] = {word, style};
    return PyObject_Vectorcall(place, args, 2, NULL);
}

/* 1 when is_syllable(s) says s is spelled like a Vietnamese syllable, else 0; -1 on error. */
static int spelled_as_syllable(CoreObject *self, PyObject *s)
{
    int known = spelling_is_syllable(s);
    if (known != 2)
        return known;
    PyObject *answer = PyObject_CallOneArg(self->is_syllable, s);
    if (!answer)
        return -1;
    int yes = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return yes;
}

/* Where the name starts in a unit that is a place or a title glued to a capitalized
 * Vietnamese syllable (TP.Hà, Q.Gò): the twin of tachtu.model.features.glued_name,
 * whose list of prefixes this is. 0 for any other unit, -1 on error. */
static Py_ssize_t glued_name_start(CoreObject *self, PyObject *s)
{
    static const char *const prefixes[] = {"TP", "Tp", "TX", "TT", "PGS", "GS", "TS", "ThS", "BS"};
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t len = PyUnicode_GET_LENGTH(s), dot = 0;
    while (dot < len && dot < 4 && PyUnicode_READ(kind, data, dot) != '.')
        dot++;
    if (!dot || dot == len || dot == 4 || len - dot - 1 < 2)
        return 0;
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    int known = dot == 1 && (first == 'Q' || first == 'H' || first == 'P');
    for (size_t k = 0; !known && k < sizeof prefixes / sizeof *prefixes; k++) {
        const char *prefix = prefixes[k];
        if ((Py_ssize_t)strlen(prefix) != dot)
            continue;
        known = 1;
        for (Py_ssize_t i = 0; i < dot; i++)
            known = known && PyUnicode_READ(kind, data, i) == (Py_UCS4)prefix[i];
    }
    Py_ssize_t start = dot + 1;
    if (!known || !Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, start)))
        return 0;
    for (Py_ssize_t i = start; i < len; i++)
        if (!Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, i)))
            return 0;
    if (!all_cased(kind, data, start + 1, len, 0))
        return 0;
    PyObject *name = PyUnicode_Substring(s, start, len);
    if (!name)
        return -1;
    int yes = spelled_as_syllable(self, name);
    Py_DECREF(name);
    return yes < 0 ? -1 : yes ? start : 0;
}

/* The shape class of a unit: the twin of tachtu.model.features.syllable_shape. */
static int unit_shape(CoreObject *self, PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t len = PyUnicode_GET_LENGTH(s);
    int alpha = len > 0, digit = 0, alnum = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        alpha = alpha && Py_UNICODE_ISALPHA(ch);
        digit = digit || Py_UNICODE_ISDIGIT(ch);
        alnum = alnum || Py_UNICODE_ISALNUM(ch);
    }
    if (!alpha) {
        if (digit)
            return SHAPE_NUMBER;
        if (!alnum)
            return SHAPE_PUNCT;
        return len && Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, 0)) ? SHAPE_DOTTED
                                                                        : SHAPE_FOREIGN;
    }
    if (all_cased(kind, data, 0, len, 0)) {
        int yes = spelled_as_syllable(self, s);
        return yes < 0 ? -1 : yes ? SHAPE_LOWER : SHAPE_FOREIGN;
    }
    if (all_cased(kind, data, 0, len, 1))
        return len > 1 ? SHAPE_UPPER : SHAPE_TITLE;
    if (Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, 0)) &&
        (len == 1 || all_cased(kind, data, 1, len, 0))) {
        int yes = spelled_as_syllable(self, s);
        return yes < 0 ? -1 : yes ? SHAPE_TITLE : SHAPE_NAME;
    }
    return SHAPE_NAME;
}

/* The code (id << 3 | shape) of a unit the surfaces do not list: the id of its key (lower
 * case, tone mark where the new style puts it; 0 when the vocabulary lacks it) and its shape,
 * as the model's fallback finds them (tachtu.model.perceptron.PerceptronModel._code), without
 * running Python code but the tone placement and spelling test of a word not met yet. */
static long key_code(CoreObject *self, PyObject *s)
{
    int shape = unit_shape(self, s);
    if (shape < 0)
        return -1;
    PyObject *key = PyObject_CallMethod(s, "lower", NULL);
    if (key && !PyUnicode_IS_ASCII(key)) /* ASCII carries no tone mark */
        Py_SETREF(key, placed_tone(key, STYLE_NEW, new_style, self->place));
    if (!key)
        return -1;
    PyObject *id = PyDict_GetItemWithError(self->key_ids, key);
    Py_DECREF(key);
    if (!id)
        return PyErr_Occurred() ? -1 : shape;
    long v = PyLong_AsLong(id);
    if (v < 0)
        return PyErr_Occurred() ? -1 : shape;
    return v << 3 | shape;
}

/* key_code, or for a unit without features of its own that is a prefix glued to a name the
 * model knows (TP.Hà), the name's code: the twin of PerceptronModel._as_glued_name. */
static long unknown_code(CoreObject *self, PyObject *s)
{
    long v = key_code(self, s);
    if (v < 0)
        return -1;
    uint64_t id = (uint64_t)v >> 3;
    if (id < (uint64_t)self->featmap_len && self->featmap[id] >= 0)
        return v;
    Py_ssize_t start = glued_name_start(self, s);
    if (start <= 0)
        return start < 0 ? -1 : v;
    PyObject *name = PyUnicode_Substring(s, start, PyUnicode_GET_LENGTH(s));
    if (!name)
        return -1;
    PyObject *listed = PyDict_GetItemWithError(self->surfaces, name);
    long named = listed ? PyLong_AsLong(listed) : PyErr_Occurred() ? -1 : key_code(self, name);
    Py_DECREF(name);
    if (named < 0)
        return -1;
    return named >> 3 ? named : v;
}

/* The model's id, feature id and shape of one syllable unit (a str). */
static int unit_code(CoreObject *self, PyObject *s, uint32_t *id, uint32_t *fid, uint8_t *shape)
{
    if (!self->surfaces) {
        PyErr_SetString(PyExc_RuntimeError, "Core is not initialized");
        return -1;
    }
    PyObject *code = PyDict_GetItemWithError(self->surfaces, s);
    long v;
    if (code) {
        v = PyLong_AsLong(code);
    } else {
        if (PyErr_Occurred())
            return -1;
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "syllables must be str, not %.100s",
                         Py_TYPE(s)->tp_name);
            return -1;
        }
        if (self->key_ids) {
            v = unknown_code(self, s);
        } else {
            code = PyObject_CallOneArg(self->fallback, s);
            if (!code)
                return -1;
            v = PyLong_AsLong(code);
            Py_DECREF(code);
        }
    }
    if (v < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "negative syllable code");
        return -1;
    }
    *id = (uint32_t)(v >> 3);
    *shape = (uint8_t)(v & 7);
    int32_t f = *id < (uint64_t)self->featmap_len ? self->featmap[*id] : -1;
    *fid = f < 0 ? *shape : (uint32_t)f;
    return 0;
}

/* Fill ids, feature ids and shapes of one sentence (a list or tuple of str). */
static int encode_sentence(CoreObject *self, Work *w, PyObject *seq, Py_ssize_t n)
{
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++)
        if (unit_code(self, items[i], &w->ids[i], &w->fids[i], &w->shapes[i]) < 0)
            return -1;
    return 0;
}

static PyObject *Core_joins_batch(CoreObject *self, PyObject *batch)
{
    PyObject *outer = PySequence_Fast(batch, "joins_batch takes a sequence of sentences");
    if (!outer)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(outer);
    PyObject *result = PyList_New(count);
    Work work = {0};
    if (!result) {
        Py_DECREF(outer);
        return NULL;
    }
    for (Py_ssize_t s = 0; s < count; s++) {
        PyObject *seq = PySequence_Fast(PySequence_Fast_GET_ITEM(outer, s),
                                        "a sentence is a sequence of syllable strings");
        if (!seq)
            goto fail;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (work_reserve(&work, n, 0) < 0 || encode_sentence(self, &work, seq, n) < 0) {
            Py_DECREF(seq);
            goto fail;
        }
        Py_DECREF(seq);
        if (n) { /* an empty sentence has no work arrays yet */
            apply_user_phrases(self->user_keys, self->user_masks, self->user_mask, &self->marks,
                               &work, n);
            predict(&self->params, &work, n);
        }
        PyObject *labels = PyList_New(n);
        if (!labels)
            goto fail;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *b = work.labels[i] ? Py_True : Py_False;
            Py_INCREF(b);
            PyList_SET_ITEM(labels, i, b);
        }
        PyList_SET_ITEM(result, s, labels);
    }
    Py_DECREF(outer);
    work_free(&work);
    return result;
fail:
    Py_DECREF(outer);
    Py_DECREF(result);
    work_free(&work);
    return NULL;
}

static PyObject *Core_code(CoreObject *self, PyObject *unit)
{
    uint32_t id, fid;
    uint8_t shape;
    if (unit_code(self, unit, &id, &fid, &shape) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong((unsigned long long)id << 3 | shape);
}

static PyObject *Core_joins(CoreObject *self, PyObject *sentence)
{
    PyObject *one = PyTuple_Pack(1, sentence);
    if (!one)
        return NULL;
    PyObject *all = Core_joins_batch(self, one);
    Py_DECREF(one);
    if (!all)
        return NULL;
    PyObject *first = PyList_GET_ITEM(all, 0);
    Py_INCREF(first);
    Py_DECREF(all);
    return first;
}

/* ---------------------------------------------------------------- fused segmentation */

/* A set of characters of the Basic Multilingual Plane, a bit each, filled from a test of one
 * character when the module loads: one load per character where the text is scanned. */
typedef struct {
    uint8_t bits[0x10000 / 8];
} BmpSet;

static void bmp_fill(BmpSet *set, int (*member)(Py_UCS4))
{
    for (Py_UCS4 c = 0; c < 0x10000; c++)
        if (member(c))
            set->bits[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static inline int bmp_has(const BmpSet *set, Py_UCS4 c)
{
    return (set->bits[c >> 3] >> (c & 7)) & 1;
}

/* Whitespace exactly as str.split() sees it, looked up in a set because most characters of
 * Vietnamese text lie outside ASCII, where Py_UNICODE_ISSPACE is a function call. */
static BmpSet spaces;

static int space_test(Py_UCS4 c)
{
    return Py_UNICODE_ISSPACE(c);
}

static inline int is_space(Py_UCS4 c)
{
    return c < 0x10000 ? bmp_has(&spaces, c) : Py_UNICODE_ISSPACE(c);
}

/* FNV-1a over code points, then mixed: equal text gives an equal hash whatever its str kind. */
#define CHUNK_SEED 0xcbf29ce484222325ULL
#define CHUNK_PRIME 0x100000001b3ULL

static int same_text(const Chunk *c, int kind, const void *data, Py_ssize_t start,
                     Py_ssize_t len)
{
    if (c->key_len != len)
        return 0;
    if (c->key_kind == kind)
        return !memcmp(c->key, (const char *)data + start * kind, (size_t)(len * kind));
    for (Py_ssize_t i = 0; i < len; i++)
        if (PyUnicode_READ(c->key_kind, c->key, i) != PyUnicode_READ(kind, data, start + i))
            return 0;
    return 1;
}

static Chunk *chunk_find(const ChunkTable *t, uint64_t h, int kind, const void *data,
                         Py_ssize_t start, Py_ssize_t len)
{
    if (!t || !t->size)
        return NULL;
    size_t mask = (size_t)t->size - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const ChunkSlot *slot = &t->slots[i];
        if (!slot->chunk)
            return NULL;
        if (slot->hash == h && same_text(slot->chunk, kind, data, start, len))
            return slot->chunk;
    }
}

static int chunk_table_full(const ChunkTable *t)
{
    return t->used >= CHUNK_LIMIT || t->bytes >= CHUNK_BYTES;
}

/* Add a chunk not yet in the table; 0 when the table is full (the caller keeps the chunk with
 * the line, and the table is emptied before a later line). */
static int chunk_insert(ChunkTable *t, Chunk *c)
{
    if (chunk_table_full(t) || !c->key_len)
        return 0;
    if (2 * (t->used + 1) > t->size) {
        Py_ssize_t size = t->size ? 2 * t->size : 4096;
        ChunkSlot *slots = PyMem_Calloc((size_t)size, sizeof(ChunkSlot));
        if (!slots) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < t->size; i++) {
            if (!t->slots[i].chunk)
                continue;
            size_t j = (size_t)t->slots[i].hash & (size_t)(size - 1);
            while (slots[j].chunk)
                j = (j + 1) & (size_t)(size - 1);
            slots[j] = t->slots[i];
        }
        PyMem_Free(t->slots);
        t->slots = slots;
        t->size = size;
    }
    size_t mask = (size_t)t->size - 1, j = (size_t)c->hash & mask;
    while (t->slots[j].chunk)
        j = (j + 1) & mask;
    t->slots[j].hash = c->hash;
    t->slots[j].chunk = c;
    t->used++;
    t->bytes += c->bytes;
    return 1;
}

/* Characters of one kind into a buffer of the same or a wider kind. */
static inline void copy_chars(void *out, int out_kind, Py_ssize_t pos, const void *src,
                              int kind, Py_ssize_t len)
{
    if (kind == out_kind) {
        memcpy((char *)out + pos * kind, src, (size_t)(len * kind));
    } else if (out_kind == PyUnicode_2BYTE_KIND) {
        Py_UCS2 *o = (Py_UCS2 *)out + pos;
        for (Py_ssize_t i = 0; i < len; i++)
            o[i] = ((const Py_UCS1 *)src)[i];
    } else {
        Py_UCS4 *o = (Py_UCS4 *)out + pos;
        for (Py_ssize_t i = 0; i < len; i++)
            o[i] = PyUnicode_READ(kind, src, i);
    }
}

static inline int kind_of(Py_UCS4 maxchar)
{
    return maxchar < 0x100 ? PyUnicode_1BYTE_KIND
                           : maxchar < 0x10000 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND;
}

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* What a unit can do at a sentence boundary: the twin of the sets and tests in tachtu.sentences
 * (a test compares the counts of both on news and on random text). */
#define ROLE_TERMINAL 1      /* . ! ? … v.v. v.v... v.v… etc. and runs of two or more dots */
#define ROLE_CLOSING 2       /* ” ’ » › ) ] } */
#define ROLE_OPENER 4        /* “ ‘ « ‹ ( [ { - – — * • and the straight quotes */
#define ROLE_STARTS 8        /* first character upper case or a digit */
#define ROLE_DQUOTE 16       /* " : opens and closes by turns */
#define ROLE_SQUOTE 32       /* ' : closes when glued to the unit before it */
#define ROLE_FULL_STOP 64    /* . */
#define ROLE_ENUMERATOR 128  /* one or two ASCII digits: a list item's number before its "." */
#define ROLE_LETTER_DOT 512  /* a letter and a dot: after a label head, the label and a full stop */
#define ROLE_INITIALS 1024   /* N.D., C.T.V.: after "Ảnh :", a photo's credit and a full stop */

/* The words of tachtu.sentences._LABEL_HEADS, as written (a test holds the counts of both paths
 * equal on them): after them a letter and its dot is a label ("độ C.", "bảng A.", "vitamin C.")
 * and a full stop, not an initial. UTF-32 literals, whose type is uint_least32_t: <uchar.h>,
 * which names it char32_t, is not on every platform. */
static const uint_least32_t *const label_heads[] = {
    U"độ",   U"bảng", U"Bảng", U"vitamin", U"Vitamin", U"Serie", U"khối", U"Khối", U"chữ",
    U"quý",  U"Quý",  U"hạng", U"gan",     U"tia",     U"type",  U"Type", U"loại",
    U"°",    U"o"}; /* the degree sign, and the letter o typed for it: "30° C.", "30 o C." */

/* The words of tachtu.sentences._CREDIT_WORDS: "Ảnh: N.D." credits a photo, and the initials
 * end the caption's sentence. */
static const uint_least32_t *const credit_words[] = {U"Ảnh", U"ảnh", U"ẢNH"};

/* Whether a unit's text is one of `words`, as written. */
static int is_one_of(const uint_least32_t *const *words, size_t count, int kind, const void *data,
                     Py_ssize_t len)
{
    for (size_t h = 0; h < count; h++) {
        const uint_least32_t *word = words[h];
        Py_ssize_t i = 0;
        while (i < len && word[i] && (Py_UCS4)word[i] == PyUnicode_READ(kind, data, i))
            i++;
        if (i == len && !word[i])
            return 1;
    }
    return 0;
}

/* Whether a unit is initials, two or more capitals each with its dot (N.D., C.T.V.). */
static int is_initials(int kind, const void *data, Py_ssize_t len)
{
    if (len < 4 || len % 2)
        return 0;
    for (Py_ssize_t i = 0; i < len; i += 2)
        if (!Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, i)) ||
            PyUnicode_READ(kind, data, i + 1) != '.')
            return 0;
    return 1;
}

static int ascii_equal(PyObject *u, const char *text)
{
    return PyUnicode_IS_ASCII(u) && !strcmp((const char *)PyUnicode_DATA(u), text);
}

static uint16_t unit_role(PyObject *u)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(u);
    if (!len)
        return 0;
    int kind = PyUnicode_KIND(u);
    const void *data = PyUnicode_DATA(u);
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    uint16_t role = Py_UNICODE_ISUPPER(first) || Py_UNICODE_ISDIGIT(first) ? ROLE_STARTS : 0;
    if (len == 1) {
        switch (first) {
        case '.':
            return role | ROLE_TERMINAL | ROLE_FULL_STOP;
        case '!': case '?': case 0x2026:
            return role | ROLE_TERMINAL;
        case 0x201D: case 0x2019: case 0x00BB: case 0x203A: case ')': case ']': case '}':
            return role | ROLE_CLOSING;
        case '"':
            return role | ROLE_OPENER | ROLE_DQUOTE;
        case '\'':
            return role | ROLE_OPENER | ROLE_SQUOTE;
        case 0x201C: case 0x2018: case 0x00AB: case 0x2039: case '(': case '[': case '{':
        case '-': case 0x2013: case 0x2014: case '*': case 0x2022:
            return role | ROLE_OPENER;
        }
        return first >= '0' && first <= '9' ? role | ROLE_ENUMERATOR : role;
    }
    Py_UCS4 second = PyUnicode_READ(kind, data, 1);
    if (len == 2 && first >= '0' && first <= '9' && second >= '0' && second <= '9')
        return role | ROLE_ENUMERATOR;
    if (len == 2 && second == '.' && Py_UNICODE_ISALPHA(first))
        return role | ROLE_LETTER_DOT;
    if (is_initials(kind, data, len))
        return role | ROLE_INITIALS;
    if (ascii_equal(u, "v.v.") || ascii_equal(u, "v.v...") || ascii_equal(u, "etc."))
        return role | ROLE_TERMINAL;
    if (len == 4 && first == 'v' && second == '.' && PyUnicode_READ(kind, data, 2) == 'v'
        && PyUnicode_READ(kind, data, 3) == 0x2026)
        return role | ROLE_TERMINAL; /* v.v… */
    for (Py_ssize_t i = 0; i < len; i++)
        if (PyUnicode_READ(kind, data, i) != '.')
            return role;
    return role | ROLE_TERMINAL;
}

static inline int is_mark(const Py_UCS4 *marks, int n, Py_UCS4 ch)
{
    for (int i = 0; i < n; i++)
        if (marks[i] == ch)
            return 1;
    return 0;
}

/* Whether text[start:end] is a plain number, as tachtu.syllables.PLAIN_NUMBER matches one in
 * whole (r"\d+(?:[.,]\d+){0,20}%?"), of ASCII digits: other digits are left to the regex. */
static int plain_number(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    int groups = 0;
    Py_ssize_t i = start;
    while (i < end) {
        Py_ssize_t digits = i;
        while (i < end && PyUnicode_READ(kind, data, i) - '0' < 10u)
            i++;
        if (i == digits || ++groups > 21)
            return 0;
        if (i == end)
            return 1;
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '%')
            return i + 1 == end;
        if (ch != '.' && ch != ',')
            return 0;
        i++;
    }
    return 0; /* ends in a point or comma */
}

/* Whether text[start:end] is ASCII letters and digits, both: a word such as VTV1, U23 or 250m,
 * which the regexes read as one unit (with no tone mark to place) whatever marks surround it. */
static int ascii_letters_and_digits(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    int letters = 0, digits = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch - '0' < 10u)
            digits = 1;
        else if ((ch | 0x20) - 'a' < 26u)
            letters = 1;
        else
            return 0;
    }
    return letters && digits;
}

static int list_append_substring(PyObject *list, PyObject *text, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *part = PyUnicode_Substring(text, start, end);
    if (!part)
        return -1;
    int failed = PyList_Append(list, part);
    Py_DECREF(part);
    return failed;
}

/* The units of a chunk that is a word of letters, a plain number or a word of ASCII letters
 * and digits, with at most one mark before it and any marks after it (most chunks of news:
 * "nội,", "(Hà", "1.000", "VTV1"), split here as the split callable would split them
 * (tachtu.words._chunk_units; a test holds the two to the same units), without running Python
 * code but the tone placement of a word not met yet.
 * A "." after a word it makes one unit with (TP., A.) leaves the chunk to the callable, as do
 * other chunks: NULL, without an error. *word_at: which unit is the word (0 or 1),
 * *word_class: what it is (QUICK_*). */
static PyObject *quick_units(const Quick *q, PyObject *key, Py_ssize_t *word_at, int *word_class)
{
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t len = PyUnicode_GET_LENGTH(key);
    Py_ssize_t start = len && is_mark(q->leading, q->n_leading, PyUnicode_READ(kind, data, 0));
    Py_ssize_t end = len;
    while (end > start && is_mark(q->trailing, q->n_trailing, PyUnicode_READ(kind, data, end - 1)))
        end--;
    if (end == start)
        return NULL;
    int letters = 1;
    for (Py_ssize_t i = start; i < end && letters; i++)
        letters = Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, i));
    int number = !letters && plain_number(kind, data, start, end);
    if (!letters && !number && !ascii_letters_and_digits(kind, data, start, end))
        return NULL;
    *word_at = start;
    *word_class = letters ? QUICK_LETTERS : number ? QUICK_NUMBER : QUICK_LETTERS_AND_DIGITS;
    PyObject *word = PyUnicode_Substring(key, start, end);
    if (!word)
        return NULL;
    if (end < len && PyUnicode_READ(kind, data, end) == '.') {
        int dotted = end - start == 1 ? 1 : PySet_Contains(q->dotted_words, word);
        if (dotted) { /* or -1: an error */
            Py_DECREF(word);
            return NULL;
        }
    }
    if (letters && !PyUnicode_IS_ASCII(word)) { /* ASCII carries no tone mark */
        PyObject *placed = placed_tone(word, q->style_code, q->style, q->place);
        Py_DECREF(word);
        if (!placed)
            return NULL;
        if (!PyUnicode_Check(placed) || !PyUnicode_GET_LENGTH(placed)) {
            Py_DECREF(placed);
            return NULL;
        }
        int placed_kind = PyUnicode_KIND(placed);
        const void *placed_data = PyUnicode_DATA(placed);
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(placed); i++)
            if (!Py_UNICODE_ISALPHA(PyUnicode_READ(placed_kind, placed_data, i))) {
                Py_DECREF(placed);
                return NULL;
            }
        word = placed;
    }
    PyObject *units = PyList_New(0);
    if (!units) {
        Py_DECREF(word);
        return NULL;
    }
    int failed = start && list_append_substring(units, key, 0, 1) < 0;
    failed = failed || PyList_Append(units, word) < 0;
    Py_DECREF(word);
    for (Py_ssize_t i = end; i < len && !failed;) {
        Py_ssize_t next = i + 1;
        if (PyUnicode_READ(kind, data, i) == '.')
            while (next < len && PyUnicode_READ(kind, data, next) == '.')
                next++;
        failed = list_append_substring(units, key, i, next) < 0;
        i = next;
    }
    if (failed)
        Py_CLEAR(units);
    return units;
}

/* What a mark that quick_units made a unit of is, as tachtu.syllables kinds it: the first
 * character of the unit tells (a run of dots is punctuation). */
enum { MARK_PUNCTUATION, MARK_BRACKET, MARK_QUOTE };
static int quick_mark(Py_UCS4 first)
{
    if (first == '(' || first == ')' || first == '[' || first == ']')
        return MARK_BRACKET;
    /* the quotes of tachtu.syllables: " “ ” „ ‘ ’ ' « » ‹ › ` */
    if (first == '"' || first == 0x201C || first == 0x201D || first == 0x201E ||
        first == 0x2018 || first == 0x2019 || first == '\'' || first == 0xAB || first == 0xBB ||
        first == 0x2039 || first == 0x203A || first == '`')
        return MARK_QUOTE;
    return MARK_PUNCTUATION;
}

static Py_UCS4 unit_first(const Chunk *c, Py_ssize_t k)
{
    return PyUnicode_READ(c->text_kind, c->text, k ? c->ends[k - 1] : 0);
}

/* The masked format's classes of a chunk that quick_units split: the word is a number or
 * nothing to mask, each mark before or after it a bracket or other punctuation (a test holds
 * the core to the Python way on news). 0 for a chunk it did not split. */
static int quick_masks(Chunk *c)
{
    if (c->word_at < 0)
        return 0;
    for (Py_ssize_t k = 0; k < c->n; k++)
        c->masks[k] = k == c->word_at ? (c->word_class == QUICK_NUMBER ? '1' : 0)
                      : quick_mark(unit_first(c, k)) == MARK_BRACKET ? '6'
                                                                     : '7';
    c->masks_ready = 1;
    return 1;
}

/* Split a chunk seen for the first time and look its units up in the model; `keep_key`: copy
 * the chunk's characters so that the table can find it again. */
static Chunk *chunk_new(CoreObject *self, PyObject *line, Py_ssize_t start, Py_ssize_t end,
                        uint64_t h, const ChunkTable *table, PyObject *split, int keep_key)
{
    Chunk *c = NULL;
    PyObject *key = PyUnicode_Substring(line, start, end);
    if (!key)
        return NULL;
    const Quick *quick = table && table->quick.place ? &table->quick : NULL;
    Py_ssize_t word_at = -1;
    int word_class = QUICK_LETTERS;
    PyObject *result = quick ? quick_units(quick, key, &word_at, &word_class) : NULL;
    if (!result && !PyErr_Occurred()) {
        word_at = -1;
        result = PyObject_CallOneArg(quick ? quick->rest : split, key);
    }
    PyObject *units = result ? PySequence_Fast(result, "split_chunk must return a list of str")
                             : NULL;
    Py_XDECREF(result);
    if (!units)
        goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(units), length = 0;
    Py_UCS4 maxchar = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *u = PySequence_Fast_GET_ITEM(units, k);
        if (!PyUnicode_Check(u)) {
            PyErr_Format(PyExc_TypeError, "split_chunk must return str units, not %.100s",
                         Py_TYPE(u)->tp_name);
            goto done;
        }
        length += PyUnicode_GET_LENGTH(u);
        if (PyUnicode_MAX_CHAR_VALUE(u) > maxchar)
            maxchar = PyUnicode_MAX_CHAR_VALUE(u);
    }
    int text_kind = kind_of(maxchar), key_kind = PyUnicode_KIND(key);
    Py_ssize_t key_len = keep_key ? PyUnicode_GET_LENGTH(key) : 0;
    /* one block: the struct, then 8-, 4-, 2- and 1-byte arrays */
    size_t at_ends = ALIGN8(sizeof(Chunk)), at_ids = at_ends + (size_t)n * sizeof(Py_ssize_t);
    size_t at_fids = at_ids + (size_t)n * 4, at_roles = at_fids + (size_t)n * 4;
    size_t at_key = at_roles + (size_t)n * 2;
    size_t at_text = ALIGN8(at_key + (size_t)(key_len * key_kind));
    size_t at_shapes = at_text + (size_t)(length * text_kind);
    size_t at_masks = at_shapes + (size_t)n, at_kinds = at_masks + (size_t)n;
    size_t bytes = at_kinds + (size_t)n;
    char *block = PyMem_Malloc(bytes);
    if (!block) {
        PyErr_NoMemory();
        goto done;
    }
    c = (Chunk *)block;
    *c = (Chunk){.hash = h, .n = n, .key_len = key_len, .length = length, .bytes = bytes,
                 .maxchar = maxchar, .key_kind = key_kind, .text_kind = text_kind,
                 .ends = (Py_ssize_t *)(block + at_ends), .ids = (uint32_t *)(block + at_ids),
                 .fids = (uint32_t *)(block + at_fids), .shapes = (uint8_t *)(block + at_shapes),
                 .roles = (uint16_t *)(block + at_roles), .masks = (uint8_t *)(block + at_masks),
                 .kinds = (uint8_t *)(block + at_kinds), .key = block + at_key,
                 .text = block + at_text};
    memcpy(c->key, PyUnicode_DATA(key), (size_t)(key_len * key_kind));
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *u = PySequence_Fast_GET_ITEM(units, k);
        c->roles[k] = unit_role(u);
        if (unit_code(self, u, &c->ids[k], &c->fids[k], &c->shapes[k]) < 0) {
            chunk_free(c);
            c = NULL;
            goto done;
        }
        copy_chars(c->text, text_kind, pos, PyUnicode_DATA(u), PyUnicode_KIND(u),
                   PyUnicode_GET_LENGTH(u));
        pos += PyUnicode_GET_LENGTH(u);
        c->ends[k] = pos;
    }
    c->word_at = (int)word_at;
    c->word_class = word_class;
done:
    Py_XDECREF(units);
    Py_DECREF(key);
    return c;
}

typedef struct {
    Py_ssize_t start, end;
    uint64_t hash;
} Span;

/* Per-call state of segment_lines: work arrays and the chunks of the line at hand. */
typedef struct {
    Work work;
    Span *spans;
    Py_ssize_t spans_capacity;
    Chunk **chunks; /* borrowed from the table, or loose */
    Py_ssize_t chunks_capacity;
    Chunk **loose;  /* chunks of this line that no table holds: freed with the line */
    Py_ssize_t n_loose, loose_capacity;
    uint16_t *roles; /* the line's unit roles while its sentences are counted */
    Py_ssize_t roles_capacity;
    Py_ssize_t *bounds; /* where each unit starts and ends, for the structured formats */
    Py_ssize_t bounds_capacity;
    /* totals over the lines of the call, when it counts: lines with units, sentences, words,
     * units */
    int counting;
    Py_ssize_t paragraphs, sentences, words, units;
} Line;

static void line_free_loose(Line *line)
{
    for (Py_ssize_t i = 0; i < line->n_loose; i++)
        chunk_free(line->loose[i]);
    line->n_loose = 0;
}

static int line_keep_loose(Line *line, Chunk *c)
{
    if (line->n_loose == line->loose_capacity) {
        Py_ssize_t cap = line->loose_capacity ? 2 * line->loose_capacity : 16;
        Chunk **loose = PyMem_Realloc(line->loose, (size_t)cap * sizeof(Chunk *));
        if (!loose) {
            PyErr_NoMemory();
            return -1;
        }
        line->loose = loose;
        line->loose_capacity = cap;
    }
    line->loose[line->n_loose++] = c;
    return 0;
}

static void line_free(Line *line)
{
    line_free_loose(line);
    PyMem_Free(line->loose);
    PyMem_Free(line->chunks);
    PyMem_Free(line->spans);
    PyMem_Free(line->roles);
    PyMem_Free(line->bounds);
    work_free(&line->work);
}

/* Where each chunk of a line starts and ends, and its hash; the table slots are prefetched
 * meanwhile, so that looking the chunks up waits on memory once per line, not once per chunk. */
static Py_ssize_t line_spans(Line *line, const ChunkTable *table, int kind, const void *data,
                             Py_ssize_t len)
{
    Py_ssize_t count = 0;
    size_t mask = table && table->size ? (size_t)table->size - 1 : 0;
    for (Py_ssize_t i = 0; i < len;) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_space(ch)) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t h = CHUNK_SEED;
        for (;;) {
            h = (h ^ ch) * CHUNK_PRIME;
            if (++i == len)
                break;
            ch = PyUnicode_READ(kind, data, i);
            if (is_space(ch))
                break;
        }
        h = mix64(h ^ (uint64_t)(i - start));
        if (count == line->spans_capacity) {
            Py_ssize_t cap = count ? 2 * count : 256;
            Span *spans = PyMem_Realloc(line->spans, (size_t)cap * sizeof(Span));
            if (!spans) {
                PyErr_NoMemory();
                return -1;
            }
            line->spans = spans;
            line->spans_capacity = cap;
        }
        line->spans[count++] = (Span){start, i, h};
        if (mask)
            PREFETCH(&table->slots[h & mask]);
    }
    return count;
}

/* Quotes that close: every second " of the line, and ' glued to the unit before it (a line's
 * roles are the chunks' roles and this one). */
#define ROLE_CLOSES_QUOTE 256

/* A unit's label after line_sentences: 1 continues the word before it; 0 starts a word; this
 * starts a word and a sentence (write_lines can put a line break there). */
#define LABEL_SENTENCE_START 2

/* The text of the unit `back` units before unit k of the line's chunk j (there is one): its
 * kind and length in *kind and *len. */
static const void *unit_before(const Line *line, Py_ssize_t j, Py_ssize_t k, Py_ssize_t back,
                               int *kind, Py_ssize_t *len)
{
    const Chunk *c = line->chunks[j];
    while (back > k) {
        back -= k;
        c = line->chunks[--j];
        k = c->n;
    }
    Py_ssize_t at = k - back, from = at ? c->ends[at - 1] : 0;
    *kind = c->text_kind;
    *len = c->ends[at] - from;
    return (const char *)c->text + from * c->text_kind;
}

/* Whether the unit before unit k of the line's chunk j is one of label_heads. */
static NOINLINE int after_label_head(const Line *line, Py_ssize_t j, Py_ssize_t k)
{
    int kind;
    Py_ssize_t len;
    const void *text = unit_before(line, j, k, 1, &kind, &len);
    return is_one_of(label_heads, sizeof label_heads / sizeof *label_heads, kind, text, len);
}

/* Whether the two units before unit k of the line's chunk j are a credit word and ":". */
static NOINLINE int after_credit(const Line *line, Py_ssize_t j, Py_ssize_t k)
{
    int kind;
    Py_ssize_t len;
    const void *text = unit_before(line, j, k, 1, &kind, &len);
    if (len != 1 || PyUnicode_READ(kind, text, 0) != ':')
        return 0;
    text = unit_before(line, j, k, 2, &kind, &len);
    return is_one_of(credit_words, sizeof credit_words / sizeof *credit_words, kind, text, len);
}

/* The sentences of one line of n units: tachtu.sentences.split_units, counted; the unit that
 * starts each sentence after the first gets label 0, for a sentence start always starts a word
 * (as in tachtu.document.read_document). */
static Py_ssize_t line_sentences(Line *line, Py_ssize_t n_chunks, Py_ssize_t n, uint8_t *labels)
{
    if (n > line->roles_capacity) {
        Py_ssize_t cap = n > 2 * line->roles_capacity ? n : 2 * line->roles_capacity;
        uint16_t *roles = PyMem_Realloc(line->roles, (size_t)cap * sizeof(uint16_t));
        if (!roles) {
            PyErr_NoMemory();
            return -1;
        }
        line->roles = roles;
        line->roles_capacity = cap;
    }
    uint16_t *r = line->roles, any_terminal = 0;
    int open_double = 0;
    Py_ssize_t i = 0;
    for (Py_ssize_t j = 0; j < n_chunks; j++) {
        const Chunk *c = line->chunks[j];
        for (Py_ssize_t k = 0; k < c->n; k++, i++) {
            uint16_t role = c->roles[k];
            if ((role & ROLE_SQUOTE) && k)
                role |= ROLE_CLOSES_QUOTE;
            if (role & ROLE_DQUOTE) {
                if (open_double)
                    role |= ROLE_CLOSES_QUOTE;
                open_double = !open_double;
            }
            /* "30 độ C. Ngày mai": the tokenizer's initial C. holds the full stop. Rare, so the
             * unit before is only looked at here. */
            if ((role & ROLE_LETTER_DOT) && i && after_label_head(line, j, k))
                role |= ROLE_TERMINAL;
            if ((role & ROLE_INITIALS) && i >= 2 && after_credit(line, j, k))
                role |= ROLE_TERMINAL; /* "Ảnh : N.D. Hai ngày qua" */
            any_terminal |= role;
            r[i] = role;
        }
    }
    if (!(any_terminal & ROLE_TERMINAL))
        return 1;
    Py_ssize_t splits = 0, reached = 0, start = 0;
    for (i = 0; i < n; i++) {
        if (!(r[i] & ROLE_TERMINAL) || i < reached)
            continue;
        if (i == start + 1 && (r[i] & ROLE_FULL_STOP) && (r[start] & ROLE_ENUMERATOR))
            continue; /* "1. Lexus RX. 2. Acura MDX.": a list item's number */
        Py_ssize_t end = i + 1;
        while (end < n && (r[end] & (ROLE_CLOSES_QUOTE | ROLE_CLOSING | ROLE_TERMINAL)))
            end++;
        if (end < n && ((r[end] & ROLE_STARTS) ||
                        ((r[end] & ROLE_OPENER) && !(r[end] & ROLE_CLOSES_QUOTE)))) {
            splits++;
            labels[end] = LABEL_SENTENCE_START;
            start = end;
        }
        reached = end;
    }
    return splits + 1;
}

/* What one line was decided into: line->chunks[0..n_chunks) hold its units, the work labels
 * their join flags. */
typedef struct {
    Py_ssize_t n, n_chunks, length, joined; /* units, chunks, characters of the units, joins */
    Py_ssize_t glued; /* joins written without sep: a mark that ends a word ("Ng.") */
    Py_UCS4 maxchar;
} Decided;

/* One line, text[from:to]: chunks -> units -> decisions (counted when the call counts); -1 on
 * error. */
static int decide_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                       Py_ssize_t from, Py_ssize_t to, PyObject *split, Decided *out)
{
    int kind = PyUnicode_KIND(text);
    /* the line's characters: spans and chunk lookups count from its start */
    const void *data = (const char *)PyUnicode_DATA(text) + from * kind;
    Py_ssize_t n = 0, n_chunks = 0, length = 0;
    Py_UCS4 maxchar = 0;
    Work *w = &line->work;
    Py_ssize_t count = line_spans(line, table, kind, data, to - from);
    if (count < 0)
        return -1;
    for (Py_ssize_t s = 0; s < count; s++) {
        Py_ssize_t start = line->spans[s].start, end = line->spans[s].end;
        uint64_t h = line->spans[s].hash;
        Chunk *c = chunk_find(table, h, kind, data, start, end - start);
        if (c) {
            c->met_again = 1;
        } else {
            int keep = table && end - start <= CHUNK_LONGEST;
            Chunk *fresh = chunk_new(self, text, from + start, from + end, h, table, split, keep);
            if (!fresh)
                return -1;
            /* the split callable ran Python code: another call may have added this chunk */
            c = keep ? chunk_find(table, h, kind, data, start, end - start) : NULL;
            if (c) {
                chunk_free(fresh);
            } else {
                int added = keep ? chunk_insert(table, fresh) : 0;
                if (added < 0 || (!added && line_keep_loose(line, fresh) < 0)) {
                    chunk_free(fresh);
                    return -1;
                }
                c = fresh;
            }
        }
        if (n_chunks == line->chunks_capacity) {
            Py_ssize_t cap = n_chunks ? 2 * n_chunks : 256;
            Chunk **chunks = PyMem_Realloc(line->chunks, (size_t)cap * sizeof(Chunk *));
            if (!chunks) {
                PyErr_NoMemory();
                return -1;
            }
            line->chunks = chunks;
            line->chunks_capacity = cap;
        }
        line->chunks[n_chunks++] = c;
        if (work_reserve(w, n + c->n, n) < 0)
            return -1;
        memcpy(w->ids + n, c->ids, (size_t)c->n * sizeof(uint32_t));
        memcpy(w->fids + n, c->fids, (size_t)c->n * sizeof(uint32_t));
        memcpy(w->shapes + n, c->shapes, (size_t)c->n);
        n += c->n;
        length += c->length;
        if (c->maxchar > maxchar)
            maxchar = c->maxchar;
    }
    *out = (Decided){.n = n, .n_chunks = n_chunks, .length = length, .maxchar = maxchar};
    if (!n)
        return 0;
    apply_user_phrases(self->user_keys, self->user_masks, self->user_mask, &self->marks, w,
                       n);
    predict(&self->params, w, n);
    Py_ssize_t sentences = line_sentences(line, n_chunks, n, w->labels);
    if (sentences < 0)
        return -1;
    Py_ssize_t joined = 0, glued = 0;
    for (Py_ssize_t i = 1; i < n; i++) {
        joined += w->labels[i] == 1;
        glued += w->labels[i] == 1 && w->shapes[i] == SHAPE_PUNCT;
    }
    if (line->counting) {
        line->paragraphs++;
        line->sentences += sentences;
        line->words += n - joined;
        line->units += n;
    }
    out->joined = joined;
    out->glued = glued;
    return 0;
}

/* One line: its decided units as a new str, "" when it has none. */
static PyObject *segment_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                              PyObject *sep, PyObject *split)
{
    Decided d;
    if (decide_line(self, line, table, text, 0, PyUnicode_GET_LENGTH(text), split, &d) < 0)
        return NULL;
    if (!d.n)
        return PyUnicode_New(0, 0);
    Work *w = &line->work;
    Py_ssize_t n = d.n, n_chunks = d.n_chunks, length = d.length, joined = d.joined;
    Py_ssize_t separated = joined - d.glued; /* the joins written with sep */
    Py_UCS4 maxchar = d.maxchar;
    Py_ssize_t sep_len = PyUnicode_GET_LENGTH(sep);
    if (separated && sep_len && PyUnicode_MAX_CHAR_VALUE(sep) > maxchar)
        maxchar = PyUnicode_MAX_CHAR_VALUE(sep);
    if (joined < n - 1 && maxchar < 0x7f)
        maxchar = 0x7f; /* a space */
    PyObject *out = PyUnicode_New(length + separated * sep_len + (n - 1 - joined), maxchar);
    if (!out)
        return NULL;
    int out_kind = PyUnicode_KIND(out), sep_kind = PyUnicode_KIND(sep);
    void *out_data = PyUnicode_DATA(out);
    const void *sep_data = PyUnicode_DATA(sep);
    Py_ssize_t pos = 0, i = 0;
    for (Py_ssize_t j = 0; j < n_chunks; j++) {
        const Chunk *c = line->chunks[j];
        Py_ssize_t from = 0;
        for (Py_ssize_t k = 0; k < c->n; k++, i++) {
            if (!i) {
                /* the first unit has no glue */
            } else if (w->labels[i] != 1) {
                PyUnicode_WRITE(out_kind, out_data, pos, ' ');
                pos++;
            } else if (sep_len && w->shapes[i] != SHAPE_PUNCT) {
                copy_chars(out_data, out_kind, pos, sep_data, sep_kind, sep_len);
                pos += sep_len;
            }
            Py_ssize_t to = c->ends[k];
            copy_chars(out_data, out_kind, pos, (const char *)c->text + from * c->text_kind,
                       c->text_kind, to - from);
            pos += to - from;
            from = to;
        }
    }
    return out;
}

/* A growing buffer of UTF-8 output. */
typedef struct {
    char *data;
    Py_ssize_t len, capacity;
} Bytes;

static char *bytes_reserve(Bytes *b, Py_ssize_t more)
{
    if (!b->data || b->len + more > b->capacity) {
        Py_ssize_t cap = b->capacity ? 2 * b->capacity : 1 << 16;
        while (cap < b->len + more)
            cap *= 2;
        char *data = PyMem_Realloc(b->data, (size_t)cap);
        if (!data) {
            PyErr_NoMemory();
            return NULL;
        }
        b->data = data;
        b->capacity = cap;
    }
    return b->data + b->len;
}

/* NULL with ValueError for a lone surrogate (PyErr_Format has no %X before Python 3.12). */
static char *lone_surrogate(Py_UCS4 ch)
{
    char code[16];
    snprintf(code, sizeof code, "U+%04X", (unsigned)ch);
    PyErr_Format(PyExc_ValueError, "a lone surrogate %s is no character: UTF-8 cannot hold it",
                 code);
    return NULL;
}

/* Characters [from, to) of a kind as UTF-8 at p (room for 4 bytes a character); the end, or
 * NULL with ValueError at a lone surrogate, which UTF-8 cannot write (str.encode refuses it
 * too). */
#define PUT_UTF8(TYPE)                                                                         \
    for (Py_ssize_t i = from; i < to; i++) {                                                   \
        Py_UCS4 ch = ((const TYPE *)data)[i];                                                  \
        if (ch < 0x80) {                                                                       \
            *p++ = (char)ch;                                                                   \
        } else if (ch < 0x800) {                                                               \
            *p++ = (char)(0xc0 | (ch >> 6));                                                   \
            *p++ = (char)(0x80 | (ch & 0x3f));                                                 \
        } else if (ch < 0x10000) {                                                             \
            if (Py_UNICODE_IS_SURROGATE(ch))                                                   \
                return lone_surrogate(ch);                                                     \
            *p++ = (char)(0xe0 | (ch >> 12));                                                  \
            *p++ = (char)(0x80 | ((ch >> 6) & 0x3f));                                          \
            *p++ = (char)(0x80 | (ch & 0x3f));                                                 \
        } else {                                                                               \
            *p++ = (char)(0xf0 | (ch >> 18));                                                  \
            *p++ = (char)(0x80 | ((ch >> 12) & 0x3f));                                         \
            *p++ = (char)(0x80 | ((ch >> 6) & 0x3f));                                          \
            *p++ = (char)(0x80 | (ch & 0x3f));                                                 \
        }                                                                                      \
    }

static ALWAYS_INLINE char *put_utf8(char *p, int kind, const void *data, Py_ssize_t from,
                                     Py_ssize_t to)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        PUT_UTF8(Py_UCS1)
    } else if (kind == PyUnicode_2BYTE_KIND) {
        PUT_UTF8(Py_UCS2)
    } else {
        PUT_UTF8(Py_UCS4)
    }
    return p;
}

/* One line, text[from:to]: its decided units as UTF-8 and a newline after them, nothing when
 * it has none; between two sentences, sentence_glue (a space, or a newline for one sentence a
 * line). Not inlined into the line loop: gcc's copy there ran 5% more instructions. */
static NOINLINE int write_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                               Py_ssize_t from, Py_ssize_t to, const char *sep,
                               Py_ssize_t sep_len, char sentence_glue, PyObject *split,
                               Bytes *out)
{
    Decided d;
    if (decide_line(self, line, table, text, from, to, split, &d) < 0)
        return -1;
    if (!d.n)
        return 0;
    const uint8_t *labels = line->work.labels, *shapes = line->work.shapes;
    /* at most 4 bytes a character, the glue, and the newline */
    char *p = bytes_reserve(out, 4 * d.length + d.joined * sep_len + (d.n - d.joined) + 1);
    if (!p)
        return -1;
    Py_ssize_t i = 0;
    for (Py_ssize_t j = 0; j < d.n_chunks; j++) {
        const Chunk *c = line->chunks[j];
        Py_ssize_t from = 0;
        for (Py_ssize_t k = 0; k < c->n; k++, i++) {
            if (!i) {
                /* the first unit has no glue */
            } else if (!labels[i]) {
                *p++ = ' ';
            } else if (labels[i] == LABEL_SENTENCE_START) {
                *p++ = sentence_glue;
            } else if (shapes[i] != SHAPE_PUNCT) { /* a mark ends its word glued on: "Ng." */
                memcpy(p, sep, (size_t)sep_len);
                p += sep_len;
            }
            p = put_utf8(p, c->text_kind, c->text, from, c->ends[k]);
            if (!p)
                return -1;
            from = c->ends[k];
        }
    }
    *p++ = '\n';
    out->len = p - out->data;
    return 0;
}

/* The kinds' names of a structured call: ASCII, at most 26 (kinds_of writes 'a'...), and
 * which of them are the kinds of the units quick_units makes (quick: all six are there). */
typedef struct {
    const char *name[26];
    Py_ssize_t n, longest;
    int quick;
    uint8_t vietnamese, foreign, number, punctuation, bracket, quote;
} KindNames;

/* The kinds of a chunk that quick_units split, as tachtu.syllables gives them (a test holds
 * the core to it on news): a word of letters is Vietnamese when is_syllable says so, else
 * foreign; a plain number a number; letters and digits foreign; each mark a bracket, a quote
 * or punctuation. 0 when it cannot tell here, -1 on an error. */
static int quick_kinds(CoreObject *self, Chunk *c, const KindNames *names)
{
    if (c->word_at < 0 || !names->quick || (c->word_class == QUICK_LETTERS && !self->is_syllable))
        return 0;
    for (Py_ssize_t k = 0; k < c->n; k++) {
        Py_ssize_t from = k ? c->ends[k - 1] : 0;
        if (k == c->word_at) {
            if (c->word_class == QUICK_NUMBER) {
                c->kinds[k] = names->number;
            } else if (c->word_class == QUICK_LETTERS_AND_DIGITS) {
                c->kinds[k] = names->foreign;
            } else {
                PyObject *word = PyUnicode_FromKindAndData(
                    c->text_kind, (const char *)c->text + from * c->text_kind, c->ends[k] - from);
                PyObject *answer = word ? PyObject_CallOneArg(self->is_syllable, word) : NULL;
                Py_XDECREF(word);
                int yes = answer ? PyObject_IsTrue(answer) : -1;
                Py_XDECREF(answer);
                if (yes < 0)
                    return -1;
                c->kinds[k] = yes ? names->vietnamese : names->foreign;
            }
            continue;
        }
        int mark = quick_mark(unit_first(c, k));
        c->kinds[k] = mark == MARK_BRACKET ? names->bracket
                      : mark == MARK_QUOTE ? names->quote
                                           : names->punctuation;
    }
    c->kinds_ready = 1;
    return 1;
}

/* What the line's chunks say of each of their units, where a chunk does not know yet: the
 * masked classes (names NULL: masks_of(chunk) gives one of ' 167' a unit) or the kinds
 * (kinds_of(chunk) gives chr(ord('a') + k) for the k-th of the names, a unit); the chunks
 * quick_units split are told here either way. The chunks are the line text[from:to]'s spans, in order. */
static int line_classes(CoreObject *self, Line *line, Py_ssize_t n_chunks, PyObject *text,
                        Py_ssize_t from, PyObject *classes_of, const KindNames *names)
{
    Py_ssize_t kinds = names ? names->n : 0;
    for (Py_ssize_t j = 0; j < n_chunks; j++) {
        Chunk *c = line->chunks[j];
        if (kinds ? c->kinds_ready : c->masks_ready)
            continue;
        int done = kinds ? quick_kinds(self, c, names) : quick_masks(c);
        if (done < 0)
            return -1;
        if (done)
            continue;
        PyObject *key = PyUnicode_Substring(text, from + line->spans[j].start,
                                            from + line->spans[j].end);
        PyObject *got = key ? PyObject_CallOneArg(classes_of, key) : NULL;
        Py_XDECREF(key);
        if (!got)
            return -1;
        int ok = PyUnicode_Check(got) && PyUnicode_GET_LENGTH(got) == c->n;
        for (Py_ssize_t k = 0; ok && k < c->n; k++) {
            Py_UCS4 m = PyUnicode_READ_CHAR(got, k);
            if (kinds) {
                ok = m >= 'a' && m < 'a' + (Py_UCS4)kinds;
                c->kinds[k] = (uint8_t)(m - 'a');
            } else {
                ok = m == ' ' || m == '1' || m == '6' || m == '7';
                c->masks[k] = m == ' ' ? 0 : (uint8_t)m;
            }
        }
        Py_DECREF(got);
        if (!ok) {
            if (kinds)
                PyErr_Format(PyExc_ValueError,
                             "kinds_of must give one of the %zd kinds for each of the %zd units "
                             "of a chunk", kinds, c->n);
            else
                PyErr_Format(PyExc_ValueError,
                             "masks_of must give one of ' 167' for each of the %zd units of a "
                             "chunk", c->n);
            return -1;
        }
        if (kinds)
            c->kinds_ready = 1;
        else
            c->masks_ready = 1;
    }
    return 0;
}

/* One line, text[from:to], in the masked format (tachtu.formats.masked_lines): a word of one
 * unit that has a class is written as the class, one 7 for a run of them even across a
 * sentence break; " . " between sentences and "." at the end, then a newline; nothing when the
 * line has no units. */
static int write_masked_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                             Py_ssize_t from, Py_ssize_t to, const char *sep, Py_ssize_t sep_len,
                             PyObject *split, PyObject *masks_of, Bytes *out)
{
    Decided d;
    if (decide_line(self, line, table, text, from, to, split, &d) < 0)
        return -1;
    if (!d.n)
        return 0;
    if (line_classes(self, line, d.n_chunks, text, from, masks_of, NULL) < 0)
        return -1;
    const uint8_t *labels = line->work.labels;
    /* at most 4 bytes a character, a space before each unit and " ." before each sentence
     * break, and ".\n" */
    char *p = bytes_reserve(out, 4 * d.length + d.joined * sep_len + 4 * d.n + 2);
    if (!p)
        return -1;
    /* the last two pieces written: one 7 for a run of marks is a 7 after a 7, or after a
     * sentence break after a 7 (pieces skipped change neither) */
    enum { NONE, SEVEN, BREAK, OTHER } last = NONE, before = NONE;
    Py_ssize_t i = 0, n = d.n;
    for (Py_ssize_t j = 0; j < d.n_chunks; j++) {
        const Chunk *c = line->chunks[j];
        Py_ssize_t start = 0;
        for (Py_ssize_t k = 0; k < c->n; k++, i++) {
            Py_ssize_t end = c->ends[k];
            if (i && labels[i] == 1) { /* the word goes on, a mark glued on */
                if (line->work.shapes[i] != SHAPE_PUNCT) {
                    memcpy(p, sep, (size_t)sep_len);
                    p += sep_len;
                }
            } else {
                if (i && labels[i] == LABEL_SENTENCE_START) {
                    memcpy(p, " .", 2);
                    p += 2;
                    before = last;
                    last = BREAK;
                }
                uint8_t mask = i + 1 < n && labels[i + 1] == 1 ? 0 : c->masks[k];
                if (mask == '7' && (last == SEVEN || (last == BREAK && before == SEVEN))) {
                    start = end;
                    continue;
                }
                if (last != NONE)
                    *p++ = ' ';
                before = last;
                last = mask == '7' ? SEVEN : OTHER;
                if (mask) {
                    *p++ = (char)mask;
                    start = end;
                    continue;
                }
            }
            p = put_utf8(p, c->text_kind, c->text, start, end);
            if (!p)
                return -1;
            start = end;
        }
    }
    memcpy(p, ".\n", 2);
    out->len = p + 2 - out->data;
    return 0;
}

/* The chunk table of a split callable, taking a free or the oldest one; NULL: none can be had
 * now (another call is running), and chunks are split without being remembered, or an error
 * (a malformed `quick`). */
static ChunkTable *table_for(CoreObject *self, PyObject *split)
{
    for (int k = 0; k < CHUNK_TABLES; k++)
        if (self->tables[k].split == split)
            return &self->tables[k];
    ChunkTable *t = NULL;
    for (int k = 0; k < CHUNK_TABLES && !t; k++)
        if (!self->tables[k].split)
            t = &self->tables[k];
    if (!t) {
        if (self->active > 1)
            return NULL;
        t = &self->tables[self->next_table];
        self->next_table = (self->next_table + 1) % CHUNK_TABLES;
        chunk_table_clear(t);
    }
    Py_CLEAR(t->split);
    if (quick_read(&t->quick, split) < 0)
        return NULL;
    t->split = Py_NewRef(split);
    return t;
}

/* A full table is pruned before a line: between lines, never inside one (the line borrows the
 * units of its chunks), and only when no other call could be borrowing them too. */
static void prune_if_full(CoreObject *self, ChunkTable *table)
{
    if (table && chunk_table_full(table) && self->active == 1)
        chunk_table_prune(table);
}

/* Line s of a call's lines (borrowed), or NULL with TypeError when it is no str; the table is
 * pruned first if full. */
static PyObject *next_line(CoreObject *self, ChunkTable *table, PyObject *seq, Py_ssize_t s)
{
    prune_if_full(self, table);
    PyObject *text = PySequence_Fast_GET_ITEM(seq, s);
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "lines must be str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    return text;
}

static PyObject *Core_segment_lines(CoreObject *self, PyObject *args)
{
    PyObject *lines, *sep, *split;
    int counting = 0;
    if (!PyArg_ParseTuple(args, "OUO|p:segment_lines", &lines, &sep, &split, &counting))
        return NULL;
    if (!PyCallable_Check(split)) {
        PyErr_SetString(PyExc_TypeError, "split_chunk must be callable");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(lines, "segment_lines takes a sequence of lines");
    if (!seq)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *result = PyList_New(count);
    if (!result) {
        Py_DECREF(seq);
        return NULL;
    }
    self->active++;
    Line line = {.counting = counting};
    ChunkTable *table = table_for(self, split);
    if (!table && PyErr_Occurred())
        goto fail;
    for (Py_ssize_t s = 0; s < count; s++) {
        PyObject *text = next_line(self, table, seq, s);
        if (!text)
            goto fail;
        PyObject *out = segment_line(self, &line, table, text, sep, split);
        line_free_loose(&line);
        if (!out)
            goto fail;
        PyList_SET_ITEM(result, s, out);
    }
    self->active--;
    line_free(&line);
    Py_DECREF(seq);
    if (counting)
        return Py_BuildValue("(Nnnnn)", result, line.paragraphs, line.sentences, line.words,
                             line.units);
    return result;
fail:
    self->active--;
    line_free(&line);
    Py_DECREF(seq);
    Py_DECREF(result);
    return NULL;
}

/* A line [from, to) of a text written in some format, with that format's own arguments. */
typedef int (*LineWriter)(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                          Py_ssize_t from, Py_ssize_t to, void *how, Bytes *out);

/* Each line of a text, as str.split("\n") cuts it, written by `write`: the lines are never made
 * into str objects of their own. */
static int write_each_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                           LineWriter write, void *how, Bytes *out)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t from = 0;;) {
        Py_ssize_t newline = PyUnicode_FindChar(text, '\n', from, len, 1);
        if (newline == -2)
            return -1;
        Py_ssize_t to = newline < 0 ? len : newline;
        prune_if_full(self, table);
        int written = write(self, line, table, text, from, to, how, out);
        line_free_loose(line);
        if (written < 0)
            return -1;
        if (newline < 0)
            return 0;
        from = newline + 1;
    }
}

/* What write_lines writes each line as: text (or sentences), or the masked format when
 * masks_of is given. */
typedef struct {
    const char *sep;
    Py_ssize_t sep_len;
    char sentence_glue;
    PyObject *split, *masks_of;
} LineFormat;

static int write_format_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                             Py_ssize_t from, Py_ssize_t to, void *how, Bytes *out)
{
    const LineFormat *f = how;
    if (f->masks_of)
        return write_masked_line(self, line, table, text, from, to, f->sep, f->sep_len, f->split,
                                 f->masks_of, out);
    return write_line(self, line, table, text, from, to, f->sep, f->sep_len, f->sentence_glue,
                      f->split, out);
}

static int put_bytes(Bytes *out, const char *data, Py_ssize_t len)
{
    char *p = bytes_reserve(out, len);
    if (!p)
        return -1;
    memcpy(p, data, (size_t)len);
    out->len += len;
    return 0;
}

static PyObject *Core_write_lines(CoreObject *self, PyObject *args)
{
    PyObject *lines, *sep, *split, *groups;
    const char *end;
    Py_ssize_t end_len;
    int sentence_lines = 0;
    PyObject *masks_of = Py_None;
    if (!PyArg_ParseTuple(args, "OUOOy#|pO:write_lines", &lines, &sep, &split, &groups, &end,
                          &end_len, &sentence_lines, &masks_of))
        return NULL;
    if (!PyCallable_Check(split)) {
        PyErr_SetString(PyExc_TypeError, "split_chunk must be callable");
        return NULL;
    }
    /* masks_of given: the masked format, whose sentences are separated by " . " */
    if (masks_of == Py_None) {
        masks_of = NULL;
    } else if (!PyCallable_Check(masks_of)) {
        PyErr_SetString(PyExc_TypeError, "masks_of must be callable");
        return NULL;
    } else if (sentence_lines) {
        PyErr_SetString(PyExc_ValueError, "the masked format has no sentence lines");
        return NULL;
    }
    Py_ssize_t sep_len;
    const char *sep_utf8 = PyUnicode_AsUTF8AndSize(sep, &sep_len);
    if (!sep_utf8)
        return NULL;
    PyObject *seq = PySequence_Fast(lines, "write_lines takes a sequence of lines");
    if (!seq)
        return NULL;
    /* no groups: each item is a whole text, whose lines are cut here */
    int whole_texts = groups == Py_None;
    PyObject *group_seq =
        whole_texts ? NULL : PySequence_Fast(groups, "write_lines takes a sequence of line counts");
    if (!whole_texts && !group_seq) {
        Py_DECREF(seq);
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t n_groups = whole_texts ? 0 : PySequence_Fast_GET_SIZE(group_seq);
    LineFormat format = {.sep = sep_utf8,
                         .sep_len = sep_len,
                         .sentence_glue = sentence_lines ? '\n' : ' ',
                         .split = split,
                         .masks_of = masks_of};
    self->active++;
    Line line = {.counting = 1};
    Bytes out = {0};
    PyObject *result = NULL;
    ChunkTable *table = table_for(self, split);
    if (!table && PyErr_Occurred())
        goto done;
    /* Output room for the whole call at once, about what news takes (UTF-8 of Vietnamese is
     * about 1.3 bytes a character, and the separators add little): growing it by doubling
     * copied every chunk's output several times over. */
    Py_ssize_t chars = 0;
    for (Py_ssize_t t = 0; whole_texts && t < count; t++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, t);
        if (PyUnicode_Check(text))
            chars += PyUnicode_GET_LENGTH(text);
    }
    if (chars && !bytes_reserve(&out, chars + chars / 2 + 64))
        goto done;
    Py_ssize_t s = 0;
    for (; whole_texts && s < count; s++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, s);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "texts must be str, not %.100s",
                         Py_TYPE(text)->tp_name);
            goto done;
        }
        Py_INCREF(text); /* the split callable runs Python code, which could drop it */
        int written = write_each_line(self, &line, table, text, write_format_line, &format, &out);
        Py_DECREF(text);
        if (written < 0 || put_bytes(&out, end, end_len) < 0)
            goto done;
    }
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        Py_ssize_t in_group = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(group_seq, g));
        if (in_group < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "line counts must not be negative");
            goto done;
        }
        if (in_group > count - s) {
            PyErr_SetString(PyExc_ValueError, "line counts add up to more than the lines");
            goto done;
        }
        for (Py_ssize_t last = s + in_group; s < last; s++) {
            PyObject *text = next_line(self, table, seq, s);
            if (!text)
                goto done;
            int written = write_format_line(self, &line, table, text, 0,
                                            PyUnicode_GET_LENGTH(text), &format, &out);
            line_free_loose(&line);
            if (written < 0)
                goto done;
        }
        if (put_bytes(&out, end, end_len) < 0)
            goto done;
    }
    if (s != count) {
        PyErr_SetString(PyExc_ValueError, "line counts add up to fewer than the lines");
        goto done;
    }
    result = Py_BuildValue("(y#nnnn)", out.data ? out.data : "", out.len, line.paragraphs,
                           line.sentences, line.words, line.units);
done:
    self->active--;
    line_free(&line);
    PyMem_Free(out.data);
    Py_XDECREF(group_seq);
    Py_DECREF(seq);
    return result;
}

/* Characters [from, to) of a kind as UTF-8 inside a JSON string, escaped as json.dumps
 * escapes them with ensure_ascii=False: '"', '\\' and the control characters (room for 6
 * bytes a character); NULL with ValueError at a lone surrogate. */
static char *put_json_utf8(char *p, int kind, const void *data, Py_ssize_t from, Py_ssize_t to)
{
    Py_ssize_t run = from; /* characters from here on need no escape */
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        p = put_utf8(p, kind, data, run, i);
        if (!p)
            return NULL;
        run = i + 1;
        *p++ = '\\';
        switch (ch) {
        case '"': case '\\': *p++ = (char)ch; break;
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\t': *p++ = 't'; break;
        case '\b': *p++ = 'b'; break;
        case '\f': *p++ = 'f'; break;
        default:
            p += sprintf(p, "u%04x", (unsigned)ch);
        }
    }
    return put_utf8(p, kind, data, run, to);
}

/* A string literal, its length known when compiling. */
#define PUT_LITERAL(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static char *put_ascii(char *p, const char *s)
{
    size_t len = strlen(s);
    memcpy(p, s, len);
    return p + len;
}

/* A count in decimal (sprintf took a third of the time of writing the words' offsets). */
static char *put_count(char *p, Py_ssize_t v)
{
    char digits[24];
    int n = 0;
    size_t u = (size_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        *p++ = digits[--n];
    return p;
}

/* Where each unit of a decided line, text[from:to], starts and ends in the text: line->bounds
 * holds the starts, then the ends. Units cover their chunk, and the text is normalized (tone
 * placement changes nothing), so a unit's place is its chunk's place and the lengths of the
 * units before it. */
static int line_bounds(Line *line, const Decided *d, Py_ssize_t from)
{
    Py_ssize_t n = d->n;
    if (2 * n > line->bounds_capacity) {
        Py_ssize_t cap = 2 * n > 2 * line->bounds_capacity ? 2 * n : 2 * line->bounds_capacity;
        Py_ssize_t *bounds = PyMem_Realloc(line->bounds, (size_t)cap * sizeof(Py_ssize_t));
        if (!bounds) {
            PyErr_NoMemory();
            return -1;
        }
        line->bounds = bounds;
        line->bounds_capacity = cap;
    }
    Py_ssize_t *starts = line->bounds, *ends = line->bounds + n, i = 0;
    for (Py_ssize_t j = 0; j < d->n_chunks; j++) {
        const Chunk *c = line->chunks[j];
        Py_ssize_t base = from + line->spans[j].start;
        for (Py_ssize_t k = 0; k < c->n; k++, i++) {
            starts[i] = base + (k ? c->ends[k - 1] : 0);
            ends[i] = base + c->ends[k];
        }
    }
    return 0;
}

/* The next `units` units of a line, from its cursor (chunk *j, unit *k) on, with sep between
 * them, as JSON string characters; the cursor is moved past them. NULL for what cannot be
 * written (a lone surrogate). */
static ALWAYS_INLINE char *put_word_units(char *p, const Line *line, Py_ssize_t *j, Py_ssize_t *k,
                                          Py_ssize_t units, const char *sep, Py_ssize_t sep_len)
{
    for (Py_ssize_t u = 0; u < units; u++) {
        const Chunk *c = line->chunks[*j];
        if (u && c->shapes[*k] != SHAPE_PUNCT) { /* a mark ends its word glued on: "Ng." */
            memcpy(p, sep, (size_t)sep_len);
            p += sep_len;
        }
        Py_ssize_t from = *k ? c->ends[*k - 1] : 0, to = c->ends[*k];
        p = put_json_utf8(p, c->text_kind, c->text, from, to);
        if (!p)
            return NULL;
        if (++*k == c->n) {
            ++*j;
            *k = 0;
        }
    }
    return p;
}

/* One line, text[from:to], as the paragraph object of the jsonl format (tachtu.formats), after
 * ", " when it is not the first: its start and end in the text, and its sentences, each with
 * its start and end and its words, each with its form (the units joined by sep, as JSON),
 * start, end and kind (its first unit's). Nothing when the line has no units. */
static int write_paragraph_json(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                                Py_ssize_t from, Py_ssize_t to, const char *sep,
                                Py_ssize_t sep_len, PyObject *split, PyObject *kinds_of,
                                const KindNames *names, Py_ssize_t *written, Bytes *out)
{
    Decided d;
    if (decide_line(self, line, table, text, from, to, split, &d) < 0)
        return -1;
    if (!d.n)
        return 0;
    if (line_classes(self, line, d.n_chunks, text, from, kinds_of, names) < 0)
        return -1;
    Py_ssize_t n = d.n;
    if (line_bounds(line, &d, from) < 0)
        return -1;
    const Py_ssize_t *starts = line->bounds, *ends = line->bounds + n;
    Py_ssize_t i;
    const uint8_t *labels = line->work.labels;
    /* at most 6 bytes a character and, for each unit, the glue or a word's and a sentence's
     * keys and numbers */
    char *p = bytes_reserve(out, 6 * d.length + d.joined * sep_len +
                                     n * (200 + names->longest) + 100);
    if (!p)
        return -1;
    if ((*written)++)
        p = PUT_LITERAL(p, ", ");
    p = PUT_LITERAL(p, "{\"start\": ");
    p = put_count(p, starts[0]);
    p = PUT_LITERAL(p, ", \"end\": ");
    p = put_count(p, ends[n - 1]);
    p = PUT_LITERAL(p, ", \"sentences\": [");
    Py_ssize_t j = 0, k = 0; /* the chunk and unit of unit i */
    for (i = 0; i < n;) {
        Py_ssize_t last = i + 1; /* the sentence is units [i, last) */
        while (last < n && labels[last] != LABEL_SENTENCE_START)
            last++;
        if (i)
            p = PUT_LITERAL(p, ", ");
        p = PUT_LITERAL(p, "{\"start\": ");
        p = put_count(p, starts[i]);
        p = PUT_LITERAL(p, ", \"end\": ");
        p = put_count(p, ends[last - 1]);
        p = PUT_LITERAL(p, ", \"words\": [");
        for (Py_ssize_t first = i; i < last;) {
            Py_ssize_t word_end = i + 1;
            while (word_end < last && labels[word_end] == 1)
                word_end++;
            p = i == first ? PUT_LITERAL(p, "{\"form\": \"") : PUT_LITERAL(p, ", {\"form\": \"");
            uint8_t kind = line->chunks[j]->kinds[k];
            Py_ssize_t word_first = i;
            p = put_word_units(p, line, &j, &k, word_end - i, sep, sep_len);
            if (!p)
                return -1;
            i = word_end;
            p = PUT_LITERAL(p, "\", \"start\": ");
            p = put_count(p, starts[word_first]);
            p = PUT_LITERAL(p, ", \"end\": ");
            p = put_count(p, ends[word_end - 1]);
            p = PUT_LITERAL(p, ", \"kind\": \"");
            p = put_ascii(p, names->name[kind]);
            p = PUT_LITERAL(p, "\"}");
        }
        p = PUT_LITERAL(p, "]}");
    }
    p = PUT_LITERAL(p, "]}");
    out->len = p - out->data;
    return 0;
}

/* text[from:to] as UTF-8 with each run of whitespace in it one space (str.split and join's
 * text): the CoNLL-U text and forms, which the forms and SpaceAfter=No must give back. */
static char *put_spaced_utf8(char *p, int kind, const void *data, Py_ssize_t from,
                             Py_ssize_t to)
{
    Py_ssize_t piece = from;
    for (Py_ssize_t c = from; c < to;) {
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, c))) {
            c++;
            continue;
        }
        p = put_utf8(p, kind, data, piece, c);
        if (!p)
            return NULL;
        *p++ = ' ';
        while (c < to && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, c)))
            c++;
        piece = c;
    }
    return put_utf8(p, kind, data, piece, to);
}

/* One line, text[from:to], as the CoNLL-U of its sentences (tachtu.formats): "# newpar"
 * before the first, "# sent_id = ID-P-S" (P-S without an id; P counts the lines with units
 * from 1, in *written) and "# text = " its text, then a line a word: its number, its text
 * (UD Vietnamese writes the syllables of a word with spaces between them; units glued in the
 * text stay glued), seven "_" and SpaceAfter=No when the next word is glued to it; an empty
 * line after each sentence. Runs of whitespace are one space in both. */
static int write_paragraph_conllu(CoreObject *self, Line *line, ChunkTable *table,
                                  PyObject *text, Py_ssize_t from, Py_ssize_t to,
                                  const char *id, Py_ssize_t id_len, PyObject *split,
                                  Py_ssize_t *written, Bytes *out)
{
    Decided d;
    if (decide_line(self, line, table, text, from, to, split, &d) < 0)
        return -1;
    if (!d.n)
        return 0;
    Py_ssize_t n = d.n, paragraph = ++*written;
    if (line_bounds(line, &d, from) < 0)
        return -1;
    const Py_ssize_t *starts = line->bounds, *ends = line->bounds + n;
    const uint8_t *labels = line->work.labels;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* the sentence's text and each unit at most 4 bytes a character, and for each unit its
     * word's line (number, seven "_", SpaceAfter=No) or a sentence's comments */
    char *p = bytes_reserve(out, 8 * (to - from) + n * (100 + id_len) + 100);
    if (!p)
        return -1;
    Py_ssize_t sentence = 0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_ssize_t last = i + 1; /* the sentence is units [i, last) */
        while (last < n && labels[last] != LABEL_SENTENCE_START)
            last++;
        if (!sentence)
            p = PUT_LITERAL(p, "# newpar\n");
        p = PUT_LITERAL(p, "# sent_id = ");
        if (id_len) {
            memcpy(p, id, (size_t)id_len);
            p += id_len;
            *p++ = '-';
        }
        p = put_count(p, paragraph);
        *p++ = '-';
        p = put_count(p, ++sentence);
        p = PUT_LITERAL(p, "\n# text = ");
        p = put_spaced_utf8(p, kind, data, starts[i], ends[last - 1]);
        if (!p)
            return -1;
        *p++ = '\n';
        for (Py_ssize_t word = 1; i < last; word++) {
            Py_ssize_t word_end = i + 1;
            while (word_end < last && labels[word_end] == 1)
                word_end++;
            p = put_count(p, word);
            *p++ = '\t';
            p = put_spaced_utf8(p, kind, data, starts[i], ends[word_end - 1]);
            if (!p)
                return -1;
            i = word_end;
            p = PUT_LITERAL(p, "\t_\t_\t_\t_\t_\t_\t_\t");
            int glued = word_end < last && starts[word_end] == ends[word_end - 1];
            p = glued ? PUT_LITERAL(p, "SpaceAfter=No\n") : PUT_LITERAL(p, "_\n");
        }
        *p++ = '\n';
    }
    out->len = p - out->data;
    return 0;
}

/* What a structured call writes each paragraph as, with the format's own arguments. */
typedef struct {
    int conllu;                                        /* else jsonl */
    const char *sep;                                   /* jsonl: as it stands in JSON */
    Py_ssize_t sep_len;
    PyObject *kinds_of;
    const KindNames *names;
    const char *id;                                    /* conllu: the document's id */
    Py_ssize_t id_len;
    PyObject *split;
    Py_ssize_t written;                                /* paragraphs written so far */
} Structured;

static int write_structured_line(CoreObject *self, Line *line, ChunkTable *table, PyObject *text,
                                 Py_ssize_t from, Py_ssize_t to, void *how, Bytes *out)
{
    Structured *f = how;
    if (f->conllu)
        return write_paragraph_conllu(self, line, table, text, from, to, f->id, f->id_len,
                                      f->split, &f->written, out);
    return write_paragraph_json(self, line, table, text, from, to, f->sep, f->sep_len, f->split,
                                f->kinds_of, f->names, &f->written, out);
}

/* The paragraphs of normalized text, each line that has units written as `how` says, and the
 * counts: (bytes, paragraphs, sentences, words, units). */
static PyObject *write_structured(CoreObject *self, PyObject *text, Structured *how)
{
    self->active++;
    Line line = {.counting = 1};
    Bytes out = {0};
    PyObject *result = NULL;
    Py_INCREF(text); /* the callables run Python code */
    ChunkTable *table = table_for(self, how->split);
    if (!table && PyErr_Occurred())
        goto done;
    if (write_each_line(self, &line, table, text, write_structured_line, how, &out) < 0)
        goto done;
    result = Py_BuildValue("(y#nnnn)", out.data ? out.data : "", out.len, line.paragraphs,
                           line.sentences, line.words, line.units);
done:
    self->active--;
    Py_DECREF(text);
    line_free(&line);
    PyMem_Free(out.data);
    return result;
}

static PyObject *Core_paragraphs_conllu(CoreObject *self, PyObject *args)
{
    PyObject *text, *id, *split;
    if (!PyArg_ParseTuple(args, "UUO:paragraphs_conllu", &text, &id, &split))
        return NULL;
    if (!PyCallable_Check(split)) {
        PyErr_SetString(PyExc_TypeError, "split_chunk must be callable");
        return NULL;
    }
    Structured how = {.conllu = 1, .split = split};
    how.id = PyUnicode_AsUTF8AndSize(id, &how.id_len);
    return how.id ? write_structured(self, text, &how) : NULL;
}

static PyObject *Core_paragraphs_json(CoreObject *self, PyObject *args)
{
    PyObject *text, *sep, *split, *kinds_of, *names_tuple;
    if (!PyArg_ParseTuple(args, "UUOOO!:paragraphs_json", &text, &sep, &split, &kinds_of,
                          &PyTuple_Type, &names_tuple))
        return NULL;
    if (!PyCallable_Check(split) || !PyCallable_Check(kinds_of)) {
        PyErr_SetString(PyExc_TypeError, "split_chunk and kinds_of must be callable");
        return NULL;
    }
    KindNames names = {.n = PyTuple_GET_SIZE(names_tuple)};
    if (names.n < 1 || names.n > 26) {
        PyErr_SetString(PyExc_ValueError, "between 1 and 26 kind names");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < names.n; k++) {
        PyObject *name = PyTuple_GET_ITEM(names_tuple, k);
        if (!PyUnicode_Check(name) || !PyUnicode_IS_ASCII(name)) {
            PyErr_SetString(PyExc_TypeError, "kind names must be ASCII str");
            return NULL;
        }
        names.name[k] = PyUnicode_AsUTF8(name);
        if (PyUnicode_GET_LENGTH(name) > names.longest)
            names.longest = PyUnicode_GET_LENGTH(name);
    }
    const char *quick_names[6] = {"vietnamese", "foreign", "number", "punctuation", "bracket",
                                  "quote"};
    uint8_t *quick_codes[6] = {&names.vietnamese, &names.foreign, &names.number,
                               &names.punctuation, &names.bracket, &names.quote};
    names.quick = 1;
    for (int q = 0; q < 6; q++) {
        Py_ssize_t k = 0;
        while (k < names.n && strcmp(names.name[k], quick_names[q]))
            k++;
        names.quick = names.quick && k < names.n;
        *quick_codes[q] = (uint8_t)k;
    }
    /* sep as it stands inside a JSON string */
    Py_ssize_t sep_chars = PyUnicode_GET_LENGTH(sep);
    char *sep_json = PyMem_Malloc((size_t)(6 * sep_chars + 1));
    if (!sep_json)
        return PyErr_NoMemory();
    char *sep_end = put_json_utf8(sep_json, PyUnicode_KIND(sep), PyUnicode_DATA(sep), 0, sep_chars);
    PyObject *result = NULL;
    if (sep_end) {
        Structured how = {.sep = sep_json,
                          .sep_len = sep_end - sep_json,
                          .kinds_of = kinds_of,
                          .names = &names,
                          .split = split};
        result = write_structured(self, text, &how);
    }
    PyMem_Free(sep_json);
    return result;
}

static PyMethodDef Core_methods[] = {
    {"code", (PyCFunction)Core_code, METH_O,
     "code(unit) -> int: the unit's vocabulary id << 3 | its shape, as the core finds them."},
    {"joins", (PyCFunction)Core_joins, METH_O,
     "joins(syllables) -> list[bool]: True where a syllable continues the previous word."},
    {"joins_batch", (PyCFunction)Core_joins_batch, METH_O,
     "joins_batch(sentences) -> list[list[bool]]"},
    {"segment_lines", (PyCFunction)Core_segment_lines, METH_VARARGS,
     "segment_lines(lines, sep, split_chunk, count=False) -> list[str]: each line's "
     "whitespace-separated chunks split into units by split_chunk (remembered per chunk), units "
     "joined by sep inside a word and by one space between words. With count: (lines, "
     "paragraphs, sentences, words, units), the counts summed over the lines that have units."},
    {"paragraphs_conllu", (PyCFunction)Core_paragraphs_conllu, METH_VARARGS,
     "paragraphs_conllu(text, id, split_chunk) -> (bytes, paragraphs, sentences, words, units): "
     "the sentences of normalized text as the conllu format writes them."},
    {"paragraphs_json", (PyCFunction)Core_paragraphs_json, METH_VARARGS,
     "paragraphs_json(text, sep, split_chunk, kinds_of, kind_names) -> (bytes, paragraphs, "
     "sentences, words, units): the paragraphs of normalized text as the jsonl format writes "
     "them (objects joined by ', '), kinds_of(chunk) giving chr(ord('a') + k) for the k-th of "
     "kind_names, a unit."},
    {"write_lines", (PyCFunction)Core_write_lines, METH_VARARGS,
     "write_lines(lines, sep, split_chunk, groups, end, sentence_lines=False, masks_of=None) "
     "-> (bytes, paragraphs, sentences, words, units): segment_lines as UTF-8, each line that "
     "has units followed by a newline (with sentence_lines, each sentence), and the bytes end "
     "after each group of lines (groups: how many lines each has; None: each item of lines is a "
     "whole text, cut into lines at \\n here). masks_of(chunk) -> the classes of its units "
     "(' 167'): the masked format instead."},
    {NULL}};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tachtu.model._core.Core",
    .tp_basicsize = sizeof(CoreObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)Core_traverse,
    .tp_clear = (inquiry)Core_clear,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Core_init,
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_methods = Core_methods,
    .tp_doc = "Core(weights, lexicon, mined, featmap, user_keys, user_masks, surfaces, fallback, "
              "templates): compiled decoder over numpy arrays built by tachtu.model.perceptron.",
};

/* ---------------------------------------------------------------- module functions */

/* insert_spans(table: uint64 array, ids: uint32 array, lengths: int64 array, flags: int)
 * Adds each span's hash with LEX_WORD (or the given flags) and all its proper prefixes of two or
 * more syllables with LEX_PREFIX. Returns the number of occupied slots. */
static PyObject *insert_spans(PyObject *module, PyObject *args)
{
    Py_buffer tv, iv, lv;
    int with_prefixes = 1;
    if (!PyArg_ParseTuple(args, "w*y*y*|p", &tv, &iv, &lv, &with_prefixes))
        return NULL;
    PyObject *result = NULL;
    uint64_t *table = tv.buf;
    Py_ssize_t slots = tv.len / 8;
    const uint32_t *ids = iv.buf;
    const int64_t *lengths = lv.buf;
    Py_ssize_t n_spans = lv.len / 8, n_ids = iv.len / 4, pos = 0, used = 0;
    if (!is_power_of_two(slots)) {
        PyErr_SetString(PyExc_ValueError, "table size is no power of two");
        goto done;
    }
    uint64_t mask = (uint64_t)slots - 1;
    for (Py_ssize_t i = 0; i < slots; i++)
        used += table[i] != 0;
    for (Py_ssize_t s = 0; s < n_spans; s++) {
        int64_t len = lengths[s];
        if (len < 0 || pos + len > n_ids) {
            PyErr_SetString(PyExc_ValueError, "span lengths run past the ids");
            goto done;
        }
        uint64_t h = len ? span_step(SPAN_SEED, ids[pos]) : 0;
        for (int64_t k = 1; k < len; k++) {
            h = span_step(h, ids[pos + k]);
            int flag = k + 1 == len ? LEX_WORD : (with_prefixes ? LEX_PREFIX : 0);
            if (!flag)
                continue;
            uint64_t slot;
            int old = table_find(table, mask, h, &slot);
            if (!table[slot]) {
                if (2 * (used + 1) > slots) {
                    PyErr_SetString(PyExc_ValueError, "table more than half full");
                    goto done;
                }
                used++;
                table[slot] = slot_key(h);
            }
            table[slot] |= (uint64_t)(old | flag);
        }
        pos += len;
    }
    result = PyLong_FromSsize_t(used);
done:
    PyBuffer_Release(&tv);
    PyBuffer_Release(&iv);
    PyBuffer_Release(&lv);
    return result;
}

/* find_slot(table, span_ids) -> slot index of the span's hash (occupied or the free one). */
static PyObject *find_slot(PyObject *module, PyObject *args)
{
    Py_buffer tv, iv;
    if (!PyArg_ParseTuple(args, "y*y*", &tv, &iv))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t slots = tv.len / 8, n = iv.len / 4;
    const uint32_t *ids = iv.buf;
    if (!is_power_of_two(slots) || n < 1) {
        PyErr_SetString(PyExc_ValueError, "need a power-of-two table and a span");
        goto done;
    }
    uint64_t h = span_step(SPAN_SEED, ids[0]), slot;
    for (Py_ssize_t k = 1; k < n; k++)
        h = span_step(h, ids[k]);
    table_find(tv.buf, (uint64_t)slots - 1, h, &slot);
    result = Py_BuildValue("(nK)", (Py_ssize_t)slot, (unsigned long long)slot_key(h));
done:
    PyBuffer_Release(&tv);
    PyBuffer_Release(&iv);
    return result;
}

/* train_epoch(weights, totals, counter, ids, fids, shapes, labels, starts, order, folds,
 *             lexicons, mined, templates, register_scores=b"", register_threshold=0,
 *             register_templates=0, feature_hash=1) -> (counter, errors)
 * One averaged-perceptron pass over the sentences in `order`; sentence s spans
 * [starts[s], starts[s+1]) of the flat arrays and sees lexicons[folds[s]] and mined[folds[s]]
 * (out-of-fold). */
static PyObject *train_epoch(PyObject *module, PyObject *args)
{
    Py_buffer wv, uv, idv, fv, sv, lv, stv, ov, fov, rv = {0};
    double counter;
    PyObject *lexicons, *mined;
    unsigned int templates, register_templates = 0;
    int register_threshold = 0, feature_hash = 1;
    if (!PyArg_ParseTuple(args, "w*w*dy*y*y*y*y*y*y*OOI|y*iIi", &wv, &uv, &counter, &idv, &fv,
                          &sv, &lv, &stv, &ov, &fov, &lexicons, &mined, &templates, &rv,
                          &register_threshold, &register_templates, &feature_hash))
        return NULL;
    PyObject *result = NULL;
    Py_buffer *lex_views = NULL;
    Py_ssize_t n_lex = 0, n_views = 0;
    Work work = {0};
    PyObject *lex_seq = PySequence_Fast(lexicons, "lexicons must be a sequence of arrays");
    PyObject *mined_seq = lex_seq ? PySequence_Fast(mined, "mined must be a sequence of arrays")
                                  : NULL;
    if (!mined_seq)
        goto done;
    n_lex = PySequence_Fast_GET_SIZE(lex_seq);
    if (PySequence_Fast_GET_SIZE(mined_seq) != n_lex) {
        PyErr_SetString(PyExc_ValueError, "lexicons and mined differ in length");
        goto done;
    }
    lex_views = PyMem_Calloc(2 * (size_t)n_lex + 1, sizeof(Py_buffer));
    for (Py_ssize_t k = 0; k < 2 * n_lex; k++) {
        PyObject *item = k < n_lex ? PySequence_Fast_GET_ITEM(lex_seq, k)
                                   : PySequence_Fast_GET_ITEM(mined_seq, k - n_lex);
        if (PyObject_GetBuffer(item, &lex_views[k], PyBUF_C_CONTIGUOUS) < 0)
            goto done;
        n_views = k + 1;
    }
    Py_ssize_t n_weights = wv.len / 4;
    if (!is_power_of_two(n_weights) || uv.len != wv.len) {
        PyErr_SetString(PyExc_ValueError, "weights and totals: equal power-of-two float32 arrays");
        goto done;
    }
    int bits = 0;
    while (((Py_ssize_t)1 << bits) < n_weights)
        bits++;
    Params p = {.weights = wv.buf,
                .shift = 64 - bits,
                .templates = templates,
                .register_scores = rv.buf,
                .register_len = rv.buf ? rv.len : 0,
                .register_threshold = register_threshold,
                .register_templates = register_templates,
                .fast_hash = feature_hash == 2};
    const int64_t *starts = stv.buf;
    const int64_t *order = ov.buf;
    const uint8_t *folds = fov.buf;
    const uint32_t *ids = idv.buf, *fids = fv.buf;
    const uint8_t *shapes = sv.buf, *gold = lv.buf;
    Py_ssize_t n_sent = stv.len / 8 - 1, n_order = ov.len / 8, errors = 0;
    for (Py_ssize_t o = 0; o < n_order; o++) {
        int64_t s = order[o];
        if (s < 0 || s >= n_sent || folds[s] >= n_lex) {
            PyErr_SetString(PyExc_IndexError, "sentence or fold out of range");
            goto done;
        }
        Py_ssize_t a = starts[s], n = starts[s + 1] - a;
        if (work_reserve(&work, n, 0) < 0)
            goto done;
        memcpy(work.ids, ids + a, (size_t)n * 4);
        memcpy(work.fids, fids + a, (size_t)n * 4);
        memcpy(work.shapes, shapes + a, (size_t)n);
        memset(work.forced, 0, (size_t)n);
        Py_buffer *lx = &lex_views[folds[s]];
        p.lexicon = lx->buf;
        p.lexicon_mask = lx->len >= 8 ? (uint64_t)(lx->len / 8) - 1 : 0;
        Py_buffer *mx = &lex_views[n_lex + folds[s]];
        p.mined = mx->buf;
        p.mined_mask = mx->len >= 8 ? (uint64_t)(mx->len / 8) - 1 : 0;
        errors += decode(&p, &work, n, gold + a, wv.buf, uv.buf, &counter);
    }
    result = Py_BuildValue("(dn)", counter, errors);
done:
    for (Py_ssize_t k = 0; k < n_views; k++)
        PyBuffer_Release(&lex_views[k]);
    PyMem_Free(lex_views);
    Py_XDECREF(lex_seq);
    Py_XDECREF(mined_seq);
    work_free(&work);
    PyBuffer_Release(&wv);
    PyBuffer_Release(&uv);
    PyBuffer_Release(&idv);
    PyBuffer_Release(&fv);
    PyBuffer_Release(&sv);
    PyBuffer_Release(&lv);
    PyBuffer_Release(&stv);
    PyBuffer_Release(&ov);
    PyBuffer_Release(&fov);
    if (rv.buf)
        PyBuffer_Release(&rv);
    return result;
}

/* Whether tachtu.normalize.clean_characters would give the text back unchanged, told from its
 * characters alone: no carriage return, none of the characters it replaces or drops, and only
 * characters that NFC leaves as they are next to one another (tests check every pair of them
 * against unicodedata). Clean news is nearly all such text, and this one pass costs a fraction
 * of a regular-expression search and an NFC check; anything else answers False and gets the
 * full treatment in Python. */
static int nfc_stable_and_clean(Py_UCS4 c)
{
    if (c < 0x300) /* ASCII and Latin up to the combining marks */
        return c != '\r' && c != 0xA0 && c != 0xAD && c != 0xD0 && c != 0xF0;
    if (c >= 0x1E00 && c < 0x1F00) /* Latin Extended Additional: the Vietnamese letters */
        return 1;
    if (c >= 0x2010 && c < 0x2070) /* general punctuation, less the odd spaces, joiners and
                                      bidirectional controls */
        return c != 0x202F && c != 0x205F && c != 0x2060 && (c < 0x202A || c > 0x202E) &&
               (c < 0x2066 || c > 0x2069);
    return c >= 0x20A0 && c < 0x20D0; /* currency signs */
}

/* nfc_stable_and_clean of every BMP character (is_clean_text goes over every text the segmenter is
   given). */
static BmpSet clean_chars;

#if defined(__GNUC__) || defined(__clang__)
/* nfc_stable_and_clean of eight characters of two bytes at once, and of sixteen of one: the test
 * of every character of every text the segmenter is given, where the set's lookup a character
 * took 11 instructions of each. The same ranges as nfc_stable_and_clean (tests hold the two
 * to the same answer for every character in every place of a block). */
typedef uint16_t U16x8 __attribute__((vector_size(16)));
typedef uint8_t U8x16 __attribute__((vector_size(16)));

static inline int all_lanes(const void *mask)
{
    uint64_t low, high;
    memcpy(&low, mask, 8);
    memcpy(&high, (const char *)mask + 8, 8);
    return (low & high) == UINT64_MAX;
}

static inline int clean_ucs2_block(const Py_UCS2 *chars)
{
    U16x8 c;
    memcpy(&c, chars, sizeof c);
    /* Nearly every block of Vietnamese is ASCII, Latin below U+0200 and the letters at U+1Exx,
     * told in a few instructions; the others (with quotes, dashes, ellipses) take all the
     * ranges. */
    U16x8 left_out_latin = (U16x8)(c == '\r') | (U16x8)(c == 0xA0) | (U16x8)(c == 0xAD) |
                           (U16x8)(c == 0xD0) | (U16x8)(c == 0xF0);
    U16x8 common = ((U16x8)(c < 0x200) | (U16x8)((c & 0xFF00) == 0x1E00)) & ~left_out_latin;
    if (all_lanes(&common))
        return 1;
    /* the ranges, and the characters of them that are not clean, each by equality (a test of
     * inequality costs gcc a second instruction) */
    U16x8 in_ranges = (U16x8)(c < 0x300) | (U16x8)((U16x8)(c - 0x1E00) < 0x100) |
                      (U16x8)((U16x8)(c - 0x2010) < 0x60) | (U16x8)((U16x8)(c - 0x20A0) < 0x30);
    U16x8 left_out = left_out_latin | (U16x8)(c == 0x202F) | (U16x8)(c == 0x205F) |
                     (U16x8)(c == 0x2060) | (U16x8)((U16x8)(c - 0x202A) < 5) |
                     (U16x8)((U16x8)(c - 0x2066) < 4);
    U16x8 clean = in_ranges & ~left_out;
    return all_lanes(&clean);
}

static inline int clean_ucs1_block(const Py_UCS1 *chars)
{
    U8x16 c;
    memcpy(&c, chars, sizeof c);
    U8x16 left_out = (U8x16)(c == '\r') | (U8x16)(c == 0xA0) | (U8x16)(c == 0xAD) |
                     (U8x16)(c == 0xD0) | (U8x16)(c == 0xF0);
    U8x16 clean = ~left_out;
    return all_lanes(&clean);
}
#define CLEAN_BLOCKS 1
#else
#define CLEAN_BLOCKS 0
static inline int clean_ucs2_block(const Py_UCS2 *chars) { return (void)chars, 0; }
static inline int clean_ucs1_block(const Py_UCS1 *chars) { return (void)chars, 0; }
#endif

/* Whether chars[i:n] (TYPE) are all clean: blocks of WIDTH by BLOCK_CLEAN where the compiler
 * has vectors, the rest one at a time; returns False from the caller at the first that is
 * not. */
#define SCAN_CLEAN(TYPE, BLOCK_CLEAN, WIDTH)                                 \
    do {                                                                     \
        const TYPE *chars = data;                                            \
        for (; CLEAN_BLOCKS && i + (WIDTH) <= n; i += (WIDTH))               \
            if (!BLOCK_CLEAN(chars + i))                                     \
                Py_RETURN_FALSE;                                             \
        for (; i < n; i++)                                                   \
            if (!bmp_has(&clean_chars, chars[i]))                            \
                Py_RETURN_FALSE;                                             \
    } while (0)

static PyObject *is_clean_text(PyObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "is_clean_text() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND)
        SCAN_CLEAN(Py_UCS1, clean_ucs1_block, 16);
    else if (kind == PyUnicode_2BYTE_KIND)
        SCAN_CLEAN(Py_UCS2, clean_ucs2_block, 8);
    else
        Py_RETURN_FALSE; /* characters beyond the BMP: not worth a fast path */
    Py_RETURN_TRUE;
}

/* What text decoded with the wrong table shows, in one pass over its characters (the
   regular-expression searches it replaces took most of the time of decoding clean UTF-8 news with
   mojibake repair on). classes[c], for a code point c below len(classes), holds in its two low
   bits how many continuation bytes follow the UTF-8 lead byte whose character c is (0: c is no
   lead's), and the flags MOJIBAKE_CONTINUATION (a continuation byte's character),
   MOJIBAKE_SUSPECT (a character a legacy-encoded letter becomes) and MOJIBAKE_LOST (what a byte
   that could not be shown became). The result has
   - MOJIBAKE_PAIR when a lead's character comes right before a continuation's;
   - MOJIBAKE_RUN when a lead's character is followed by as many continuations' as the lead
     needs, or by one fewer and then a lost byte's, for a lead that needs two or three;
   - MOJIBAKE_SUSPECT when a suspect character occurs. */
enum {
    MOJIBAKE_NEEDS = 3,
    MOJIBAKE_CONTINUATION = 4,
    MOJIBAKE_SUSPECT = 8,
    MOJIBAKE_LOST = 16,
    MOJIBAKE_PAIR = 32,
    MOJIBAKE_RUN = 64,
    MOJIBAKE_ALL = MOJIBAKE_PAIR | MOJIBAKE_RUN | MOJIBAKE_SUSPECT,
};

#define SCAN_MOJIBAKE_SIGNS(TYPE)                                                    \
    do {                                                                             \
        const TYPE *chars = data;                                                    \
        for (Py_ssize_t i = 0; i < n && signs != MOJIBAKE_ALL; i++) {                \
            int cls = (Py_ssize_t)chars[i] < size ? table[chars[i]] : 0;             \
            signs |= cls & MOJIBAKE_SUSPECT;                                         \
            if (needs && (cls & MOJIBAKE_CONTINUATION)) {                            \
                if (got == 0)                                                        \
                    signs |= MOJIBAKE_PAIR;                                          \
                if (++got == needs) {                                                \
                    signs |= MOJIBAKE_RUN;                                           \
                    needs = 0;                                                       \
                }                                                                    \
                continue;                                                            \
            }                                                                        \
            if (needs >= 2 && got == needs - 1 && (cls & MOJIBAKE_LOST))             \
                signs |= MOJIBAKE_RUN;                                               \
            needs = cls & MOJIBAKE_NEEDS;                                            \
            got = 0;                                                                 \
        }                                                                            \
    } while (0)

static PyObject *mojibake_signs(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_buffer classes;
    if (!PyArg_ParseTuple(args, "Uy*:mojibake_signs", &text, &classes))
        return NULL;
    const unsigned char *table = classes.buf;
    Py_ssize_t size = classes.len, n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    int signs = 0, needs = 0, got = 0;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        SCAN_MOJIBAKE_SIGNS(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        SCAN_MOJIBAKE_SIGNS(Py_UCS2);
        break;
    default:
        SCAN_MOJIBAKE_SIGNS(Py_UCS4);
    }
    PyBuffer_Release(&classes);
    return PyLong_FromLong(signs);
}

static PyMethodDef module_methods[] = {
    {"place_tone", spelling_place_tone_py, METH_VARARGS,
     "place_tone(word, style) -> tachtu.normalize.place_tone(word, style), or None for a word "
     "of letters the core does not know"},
    {"is_syllable", spelling_is_syllable_py, METH_O,
     "is_syllable(word) -> tachtu.normalize.is_vietnamese_syllable(word), or None for a word "
     "of letters the core does not know"},
    {"json_object", json_object_py, METH_O,
     "json_object(line) -> the flat JSON object on a line of UTF-8 bytes, or None for a line "
     "left to a full JSON reader (see _json.h)"},
    {"is_clean_text", is_clean_text, METH_O,
     "is_clean_text(text) -> True when clean_characters(text) is text, told from its characters"},
    {"mojibake_signs", mojibake_signs, METH_VARARGS,
     "mojibake_signs(text, classes) -> signs of mojibake in text (see the source)"},
    {"insert_spans", insert_spans, METH_VARARGS,
     "insert_spans(table, ids, lengths, with_prefixes=True) -> occupied slots"},
    {"find_slot", find_slot, METH_VARARGS, "find_slot(table, span_ids) -> (slot, key)"},
    {"train_epoch", train_epoch, METH_VARARGS,
     "train_epoch(weights, totals, counter, ids, fids, shapes, labels, starts, order, folds, "
     "lexicons, mined, templates, register_scores=b'', register_threshold=0, "
     "register_templates=0, feature_hash=1) -> (counter, errors)"},
    {NULL}};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "Compiled core of tachtu's perceptron word model.", -1,
    module_methods};

PyMODINIT_FUNC PyInit__core(void)
{
    spelling_fill();
    json_fill();
    new_style = PyUnicode_InternFromString("new");
    if (!new_style)
        return NULL;
    bmp_fill(&spaces, space_test);
    bmp_fill(&clean_chars, nfc_stable_and_clean);
    if (PyType_Ready(&CoreType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (!m)
        return NULL;
    Py_INCREF(&CoreType);
    if (PyModule_AddObject(m, "Core", (PyObject *)&CoreType) < 0) {
        Py_DECREF(&CoreType);
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "N_TEMPLATES", N_TEMPLATES);
    return m;
}
