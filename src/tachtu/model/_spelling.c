/* Vietnamese spelling in the compiled core: see _spelling.h. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_spelling.h"

#define LONGEST_SYLLABLE 10 /* normalize._LONGEST_SYLLABLE */

static const char VOWEL_CODES[] = "a12e3io45u6y";
/* Each vowel (a ă â e ê i o ô ơ u ư y, then the same in upper case) bare and with the tones
 * U+0300, U+0301, U+0309, U+0303, U+0323 in that order. */
static const Py_UCS4 TONED_VOWELS[24][6] = {
    {0x0061, 0x00E0, 0x00E1, 0x1EA3, 0x00E3, 0x1EA1},
    {0x0103, 0x1EB1, 0x1EAF, 0x1EB3, 0x1EB5, 0x1EB7},
    {0x00E2, 0x1EA7, 0x1EA5, 0x1EA9, 0x1EAB, 0x1EAD},
    {0x0065, 0x00E8, 0x00E9, 0x1EBB, 0x1EBD, 0x1EB9},
    {0x00EA, 0x1EC1, 0x1EBF, 0x1EC3, 0x1EC5, 0x1EC7},
    {0x0069, 0x00EC, 0x00ED, 0x1EC9, 0x0129, 0x1ECB},
    {0x006F, 0x00F2, 0x00F3, 0x1ECF, 0x00F5, 0x1ECD},
    {0x00F4, 0x1ED3, 0x1ED1, 0x1ED5, 0x1ED7, 0x1ED9},
    {0x01A1, 0x1EDD, 0x1EDB, 0x1EDF, 0x1EE1, 0x1EE3},
    {0x0075, 0x00F9, 0x00FA, 0x1EE7, 0x0169, 0x1EE5},
    {0x01B0, 0x1EEB, 0x1EE9, 0x1EED, 0x1EEF, 0x1EF1},
    {0x0079, 0x1EF3, 0x00FD, 0x1EF7, 0x1EF9, 0x1EF5},
    {0x0041, 0x00C0, 0x00C1, 0x1EA2, 0x00C3, 0x1EA0},
    {0x0102, 0x1EB0, 0x1EAE, 0x1EB2, 0x1EB4, 0x1EB6},
    {0x00C2, 0x1EA6, 0x1EA4, 0x1EA8, 0x1EAA, 0x1EAC},
    {0x0045, 0x00C8, 0x00C9, 0x1EBA, 0x1EBC, 0x1EB8},
    {0x00CA, 0x1EC0, 0x1EBE, 0x1EC2, 0x1EC4, 0x1EC6},
    {0x0049, 0x00CC, 0x00CD, 0x1EC8, 0x0128, 0x1ECA},
    {0x004F, 0x00D2, 0x00D3, 0x1ECE, 0x00D5, 0x1ECC},
    {0x00D4, 0x1ED2, 0x1ED0, 0x1ED4, 0x1ED6, 0x1ED8},
    {0x01A0, 0x1EDC, 0x1EDA, 0x1EDE, 0x1EE0, 0x1EE2},
    {0x0055, 0x00D9, 0x00DA, 0x1EE6, 0x0168, 0x1EE4},
    {0x01AF, 0x1EEA, 0x1EE8, 0x1EEC, 0x1EEE, 0x1EF0},
    {0x0059, 0x1EF2, 0x00DD, 0x1EF6, 0x1EF8, 0x1EF4},
};
/* The sets of normalize, in letter codes, one space before each word and after the last. */
static const char INITIALS[] = " 7 b c ch d g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x ";
static const char FINALS[] = " c ch m n ng nh p t ";
static const char NUCLEI[] =
    " 1 2 2u 2y 3 3u 4 4i 5 5i 6 65 65i 65u 6a 6i 6u a ai ao au ay e eo i i3 i3u ia iu o o1 oa"
    " oai oay oe oeo oi oo u u2 u2y u3 u4 u4i u5 ua ui uy uy3 uya uyu y y3 y3u ";
static const char NEW_STYLE_NUCLEI[] = " oa oe uy ";

/* The non-ASCII letters known here, from U+00C0 to U+1EFF: row << 3 | tone + 1 of
 * TONED_VOWELS, or LETTER_D for đ and Đ; 0: unknown. */
#define SPELLING_FIRST 0xC0
#define SPELLING_LAST 0x1EFF
#define LETTER_D 0xFFFF
static uint16_t spelling_letters[SPELLING_LAST - SPELLING_FIRST + 1];

void spelling_fill(void)
{
    for (int row = 0; row < 24; row++)
        for (int tone = 0; tone < 6; tone++) {
            Py_UCS4 ch = TONED_VOWELS[row][tone];
            if (ch >= SPELLING_FIRST)
                spelling_letters[ch - SPELLING_FIRST] = (uint16_t)(row << 3 | (tone + 1));
        }
    spelling_letters[0x0110 - SPELLING_FIRST] = spelling_letters[0x0111 - SPELLING_FIRST] = LETTER_D;
}

typedef struct {
    char code;   /* the letter in lower case without its tone */
    int row;     /* of TONED_VOWELS; -1: a consonant */
    int tone;    /* 0: none */
} Letter;

/* 0 when ch is no letter known here. */
static int spelling_letter(Py_UCS4 ch, Letter *out)
{
    if (ch < 128) {
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
            return 0;
        char lower = (char)(ch | 0x20);
        const char *vowel = strchr(VOWEL_CODES, lower);
        int row = vowel ? (int)(vowel - VOWEL_CODES) + (ch < 'a' ? 12 : 0) : -1;
        *out = (Letter){.code = lower, .row = row, .tone = 0};
        return 1;
    }
    if (ch < SPELLING_FIRST || ch > SPELLING_LAST)
        return 0;
    uint16_t v = spelling_letters[ch - SPELLING_FIRST];
    if (!v)
        return 0;
    if (v == LETTER_D) {
        *out = (Letter){.code = '7', .row = -1, .tone = 0};
        return 1;
    }
    int row = v >> 3;
    *out = (Letter){.code = VOWEL_CODES[row % 12], .row = row, .tone = (v & 7) - 1};
    return 1;
}

static int in_words(const char *words, const char *s, Py_ssize_t len)
{
    for (const char *p = words; (p = strchr(p, ' ')) && p[1]; p++)
        if (!strncmp(p + 1, s, (size_t)len) && p[1 + len] == ' ')
            return 1;
    return 0;
}

static int is_vowel_code(char c) { return c && strchr(VOWEL_CODES, c); }

/* normalize._tone_position over letter codes: the letter that carries the tone, or -1 when
 * this is no Vietnamese syllable. */
static int tone_position(const char *codes, int n, int style, int written_at)
{
    int start = 0;
    while (start < n && !is_vowel_code(codes[start]))
        start++;
    int end = start;
    while (end < n && is_vowel_code(codes[end]))
        end++;
    int initial = start;
    if (end == start || (end < n && !in_words(FINALS, codes + end, n - end)))
        return -1;
    /* "qu" and "gi" own their vowel letter */
    if (start < end - 1 && initial == 1 &&
        ((codes[0] == 'q' && codes[start] == 'u') || (codes[0] == 'g' && codes[start] == 'i'))) {
        initial++;
        start++;
    }
    if (initial && !in_words(INITIALS, codes, initial))
        return -1;
    int length = end - start;
    if (!in_words(NUCLEI, codes + start, length))
        return -1;
    for (int i = end - 1; i >= start; i--)
        if (codes[i] >= '1' && codes[i] <= '6') /* ă â ê ô ơ ư take the tone first */
            return i;
    if (length == 1)
        return start;
    if (end < n || length == 3)
        return start + 1;
    if (in_words(NEW_STYLE_NUCLEI, codes + start, length)) {
        if (style == STYLE_KEEP)
            return written_at == start || written_at == start + 1 ? written_at : start;
        return style == STYLE_NEW ? start + 1 : start;
    }
    return start;
}

/* place_tone(word, style) into *out (a new reference): 1, or 0 when the word has letters not
 * known here (*out untouched), or -1 on error. */
int spelling_place_tone(PyObject *word, int style, PyObject **out)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (n > LONGEST_SYLLABLE || PyUnicode_IS_ASCII(word)) { /* ASCII carries no tone mark */
        *out = Py_NewRef(word);
        return 1;
    }
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    Letter letters[LONGEST_SYLLABLE];
    char codes[LONGEST_SYLLABLE];
    int tone_at = -1, several = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!spelling_letter(PyUnicode_READ(kind, data, i), &letters[i]))
            return 0;
        codes[i] = letters[i].code;
        if (letters[i].tone) {
            several = several || tone_at >= 0;
            tone_at = (int)i;
        }
    }
    int target = tone_at < 0 || several ? -1 : tone_position(codes, (int)n, style, tone_at);
    if (target < 0 || target == tone_at) {
        *out = Py_NewRef(word);
        return 1;
    }
    Py_UCS4 chars[LONGEST_SYLLABLE];
    for (Py_ssize_t i = 0; i < n; i++)
        chars[i] = PyUnicode_READ(kind, data, i);
    chars[tone_at] = TONED_VOWELS[letters[tone_at].row][0];
    chars[target] = TONED_VOWELS[letters[target].row][letters[tone_at].tone];
    /* the narrowest kind that holds them, as every str must be */
    *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, chars, n);
    return *out ? 1 : -1;
}

/* is_vietnamese_syllable(word): 1 or 0, or 2 when the word has letters not known here. */
int spelling_is_syllable(PyObject *word)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (n > LONGEST_SYLLABLE)
        return 0;
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    char codes[LONGEST_SYLLABLE];
    for (Py_ssize_t i = 0; i < n; i++) {
        Letter letter;
        if (!spelling_letter(PyUnicode_READ(kind, data, i), &letter))
            return 2;
        codes[i] = letter.code;
    }
    return tone_position(codes, (int)n, STYLE_NEW, -1) >= 0;
}

int spelling_style(PyObject *style)
{
    if (!PyUnicode_Check(style))
        return -1;
    if (!PyUnicode_CompareWithASCIIString(style, "keep"))
        return STYLE_KEEP;
    if (!PyUnicode_CompareWithASCIIString(style, "old"))
        return STYLE_OLD;
    if (!PyUnicode_CompareWithASCIIString(style, "new"))
        return STYLE_NEW;
    return -1;
}

PyObject *spelling_place_tone_py(PyObject *module, PyObject *args)
{
    PyObject *word, *style, *placed;
    if (!PyArg_ParseTuple(args, "UU:place_tone", &word, &style))
        return NULL;
    int code = spelling_style(style);
    if (code < 0) {
        PyErr_SetString(PyExc_ValueError, "style must be keep, old or new");
        return NULL;
    }
    int known = spelling_place_tone(word, code, &placed);
    if (known < 0)
        return NULL;
    return known ? placed : Py_NewRef(Py_None);
}

PyObject *spelling_is_syllable_py(PyObject *module, PyObject *word)
{
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "is_syllable takes a str");
        return NULL;
    }
    int yes = spelling_is_syllable(word);
    return yes == 2 ? Py_NewRef(Py_None) : PyBool_FromLong(yes);
}
