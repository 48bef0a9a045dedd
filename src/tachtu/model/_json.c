/* JSON Lines records in the compiled core: see _json.h. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_json.h"

typedef const unsigned char *Cursor;

/* Lines longer than this are left to the caller, so that the scratch buffer stays small. */
#define LONGEST_LINE (1 << 22)

/* The characters of the string being read: at most one per byte of the line, as UCS-2 (news) or,
 * for a string with characters beyond the BMP, UCS-4. Only this file uses them, with the GIL
 * held, and nothing between filling them and copying them out runs Python. */
static Py_UCS2 *narrow_scratch = NULL;
static Py_UCS4 *wide_scratch = NULL;
static Py_ssize_t narrow_size = 0, wide_size = 0;

/* Bytes that stand for themselves in a JSON string: ASCII but controls, '"' and '\\'. */
static unsigned char plain[256];

/* What the letter after a backslash stands for (0: no escape of one letter). */
static unsigned char escaped[256];

void json_fill(void)
{
    for (unsigned c = 0x20; c < 0x80; c++)
        plain[c] = c != '"' && c != '\\';
    static const char letters[] = "\"\\/bfnrt", meanings[] = "\"\\/\b\f\n\r\t";
    for (size_t i = 0; i < sizeof letters - 1; i++)
        escaped[(unsigned char)letters[i]] = (unsigned char)meanings[i];
}

static int reserve(void **buffer, Py_ssize_t *size, Py_ssize_t wanted, size_t unit)
{
    if (wanted <= *size)
        return 0;
    void *grown = PyMem_Realloc(*buffer, (size_t)wanted * unit);
    if (!grown) {
        PyErr_NoMemory();
        return -1;
    }
    *buffer = grown;
    *size = wanted;
    return 0;
}

static inline Cursor skip_space(Cursor p, Cursor end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static inline int is_digit(unsigned c)
{
    return c - '0' < 10u;
}

static inline int hex_digit(unsigned c)
{
    if (is_digit(c))
        return (int)(c - '0');
    c |= 0x20;
    if (c - 'a' < 6)
        return (int)(c - 'a' + 10);
    return -1;
}

/* The four hex digits at p, or -1. */
static inline long hex4(Cursor p)
{
    int a = hex_digit(p[0]), b = hex_digit(p[1]), c = hex_digit(p[2]), d = hex_digit(p[3]);
    if ((a | b | c | d) < 0)
        return -1;
    return (a << 12) | (b << 8) | (c << 4) | d;
}

/* The escape at p (its backslash): its code point into *out and the cursor after it, or NULL
 * for an escape left to the caller (unknown, or half of a surrogate pair). */
static Cursor read_escape(Cursor p, Cursor end, Py_UCS4 *out)
{
    if (end - p < 2)
        return NULL;
    if (p[1] != 'u') {
        if (!escaped[p[1]])
            return NULL;
        *out = escaped[p[1]];
        return p + 2;
    }
    if (end - p < 6)
        return NULL;
    long unit = hex4(p + 2);
    if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
        return NULL;
    if (unit < 0xD800 || unit > 0xDBFF) {
        *out = (Py_UCS4)unit;
        return p + 6;
    }
    if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
        return NULL;
    long low = hex4(p + 8);
    if (low < 0xDC00 || low > 0xDFFF)
        return NULL;
    *out = 0x10000 + (((Py_UCS4)unit - 0xD800) << 10) + ((Py_UCS4)low - 0xDC00);
    return p + 12;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* How many of the 16 bytes at p are plain, from the first: all 16 are written to out as UCS-2
 * (out has room), the count says how many of them stand. The runs of ASCII between the letters
 * of Vietnamese are a few bytes long, and one test of 16 costs what a byte took alone. */
static inline int plain_run(Cursor p, Py_UCS2 *out)
{
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    __m128i zero = _mm_setzero_si128();
    _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi8(bytes, zero));
    _mm_storeu_si128((__m128i *)(out + 8), _mm_unpackhi_epi8(bytes, zero));
    /* as signed bytes, those of 0x80 and up are below 0x20 too */
    __m128i stops = _mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)),
                                 _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                              _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
    unsigned mask = (unsigned)_mm_movemask_epi8(stops);
    return mask ? __builtin_ctz(mask) : 16;
}
#define PLAIN_RUNS 1
#else
#define PLAIN_RUNS 0
static inline int plain_run(Cursor p, Py_UCS2 *out) { return (void)p, (void)out, 0; }
#endif
/* What plain_run may write past the characters it counts. */
#define RUN_SLACK 16

enum { REFUSED, READ, TOO_WIDE };

/* Decode the string from p (after its opening quote) into out: READ with *pp after the closing
 * quote, *length and *seen (the bitwise or of the code points from 0x80 up) set; REFUSED; or,
 * into UCS-2, TOO_WIDE for a character beyond the BMP. The line ends in a NUL (a bytes object's
 * own), which no string holds unescaped, so the loop needs no bound but at a sequence. */
static inline __attribute__((always_inline)) int decode_string(Cursor *pp, Cursor end, void *into,
                                                               int wide, Py_ssize_t *length,
                                                               Py_UCS4 *seen)
{
    Cursor p = *pp;
    Py_UCS2 *narrow = into;
    Py_UCS4 *broad = into;
    Py_ssize_t n = 0;
    Py_UCS4 found = 0;
#define PUT(point) (wide ? (void)(broad[n++] = (point)) : (void)(narrow[n++] = (Py_UCS2)(point)))
    for (;;) {
        unsigned c;
        if (PLAIN_RUNS && !wide && end - p >= 16) {
            int run = plain_run(p, narrow + n);
            n += run;
            p += run;
            if (run == 16)
                continue;
            c = *p; /* not plain */
        } else {
            c = *p;
            if (plain[c]) {
                PUT(c);
                p++;
                continue;
            }
        }
        Py_UCS4 point;
        /* A continuation byte (10xxxxxx) xor 0x80 is its six bits, below 0x40. The bytes of a
         * sequence are tested in order and the line ends in a NUL, which is none: a byte is
         * read only after one before it proved to be no end. */
        if (c - 0xE0 < 0x10u) {
            unsigned first = p[1] ^ 0x80u;
            if (first >= 0x40)
                return REFUSED;
            unsigned second = p[2] ^ 0x80u;
            if (second >= 0x40)
                return REFUSED;
            point = ((c & 0x0F) << 12) | (first << 6) | second;
            if (point < 0x800 || point - 0xD800 < 0x800u)
                return REFUSED; /* overlong, or a surrogate: not UTF-8 */
            p += 3;
        } else if (c - 0xC2 < 0x1Eu) {
            unsigned first = p[1] ^ 0x80u;
            if (first >= 0x40)
                return REFUSED;
            point = ((c & 0x1F) << 6) | first;
            p += 2;
        } else if (c == '"') {
            break;
        } else if (c == '\\') {
            p = read_escape(p, end, &point);
            if (!p)
                return REFUSED;
            if (point < 0x80) {
                PUT(point);
                continue;
            }
            if (point > 0xFFFF && !wide)
                return TOO_WIDE;
        } else if (c - 0xF0 < 5u) {
            if (!wide)
                return TOO_WIDE;
            if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
                return REFUSED;
            point = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) |
                    (p[3] & 0x3F);
            if (point < 0x10000 || point > 0x10FFFF)
                return REFUSED;
            p += 4;
        } else {
            return REFUSED; /* a control character (the final NUL too), or not UTF-8 */
        }
        found |= point;
        PUT(point);
    }
#undef PUT
    *pp = p + 1;
    *length = n;
    *seen = found;
    return READ;
}

/* A str of the n characters at from, `size` bytes each: of the kind of maxchar, which one of
 * them reaches (so the str is of the smallest kind, as CPython wants). */
static PyObject *scratch_str(const void *from, Py_ssize_t n, Py_UCS4 maxchar, size_t size)
{
    PyObject *text = PyUnicode_New(n, maxchar);
    if (text)
        memcpy(PyUnicode_DATA(text), from, (size_t)n * size);
    return text;
}

/* The string that starts after the opening quote at *pp: a new str of the smallest kind, with
 * *pp moved after its closing quote; or NULL, with an exception set only when memory ran out. */
static PyObject *read_string(Cursor *pp, Cursor end)
{
    Py_ssize_t n;
    Py_UCS4 seen;
    int done = decode_string(pp, end, narrow_scratch, 0, &n, &seen);
    if (done == READ) {
        if (seen < 0x100) {
            PyObject *text = PyUnicode_New(n, seen < 0x80 ? 0x7F : 0xFF);
            if (text) {
                Py_UCS1 *to = PyUnicode_1BYTE_DATA(text);
                for (Py_ssize_t i = 0; i < n; i++)
                    to[i] = (Py_UCS1)narrow_scratch[i];
            }
            return text;
        }
        return scratch_str(narrow_scratch, n, 0xFFFF, sizeof(Py_UCS2));
    }
    if (done == REFUSED)
        return NULL;
    if (reserve((void **)&wide_scratch, &wide_size, end - *pp, sizeof(Py_UCS4)) < 0)
        return NULL;
    done = decode_string(pp, end, wide_scratch, 1, &n, &seen);
    return done == READ ? scratch_str(wide_scratch, n, 0x10FFFF, sizeof(Py_UCS4)) : NULL;
}

/* The integer at *pp (JSON's form, no fraction or exponent, at most 18 digits), or NULL. */
static PyObject *read_integer(Cursor *pp, Cursor end)
{
    Cursor p = *pp;
    int negative = *p == '-';
    p += negative;
    if (p == end || !is_digit(*p))
        return NULL;
    Cursor digits = p;
    long long value = 0;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && is_digit(*p) && p - digits < 18)
            value = value * 10 + (*p++ - '0');
    }
    if (p < end && (is_digit(*p) || *p == '.' || *p == 'e' || *p == 'E'))
        return NULL; /* a float, a number too long here, or a leading zero */
    *pp = p;
    return PyLong_FromLongLong(negative ? -value : value);
}

static inline PyObject *read_word(Cursor *pp, Cursor end, const char *word, PyObject *value)
{
    size_t length = strlen(word);
    if ((size_t)(end - *pp) < length || memcmp(*pp, word, length) != 0)
        return NULL;
    *pp += length;
    return Py_NewRef(value);
}

static PyObject *read_value(Cursor *pp, Cursor end)
{
    switch (**pp) {
    case '"':
        (*pp)++;
        return read_string(pp, end);
    case 't':
        return read_word(pp, end, "true", Py_True);
    case 'f':
        return read_word(pp, end, "false", Py_False);
    case 'n':
        return read_word(pp, end, "null", Py_None);
    default:
        return read_integer(pp, end);
    }
}

/* The object on the line, or NULL, with an exception set only when memory ran out. */
static PyObject *read_object(Cursor p, Cursor end)
{
    p = skip_space(p, end);
    if (p == end || *p != '{')
        return NULL;
    PyObject *record = PyDict_New();
    if (!record)
        return NULL;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p == end || *p != '"')
                goto refused;
            p++;
            PyObject *key = read_string(&p, end);
            if (!key)
                goto refused;
            p = skip_space(p, end);
            if (p == end || *p != ':') {
                Py_DECREF(key);
                goto refused;
            }
            p = skip_space(p + 1, end);
            PyObject *value = p < end ? read_value(&p, end) : NULL;
            if (!value) {
                Py_DECREF(key);
                goto refused;
            }
            int failed = PyDict_SetItem(record, key, value);
            Py_DECREF(key);
            Py_DECREF(value);
            if (failed)
                goto refused;
            p = skip_space(p, end);
            if (p < end && *p == ',') {
                p = skip_space(p + 1, end);
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            goto refused;
        }
    }
    if (skip_space(p, end) == end)
        return record;
refused:
    Py_DECREF(record);
    return NULL;
}

PyObject *json_object_py(PyObject *module, PyObject *line)
{
    if (!PyBytes_Check(line)) {
        PyErr_SetString(PyExc_TypeError, "json_object takes bytes");
        return NULL;
    }
    Py_ssize_t length = PyBytes_GET_SIZE(line);
    if (length > LONGEST_LINE)
        Py_RETURN_NONE;
    if (reserve((void **)&narrow_scratch, &narrow_size, length + RUN_SLACK, sizeof(Py_UCS2)) < 0)
        return NULL;
    Cursor start = (Cursor)PyBytes_AS_STRING(line);
    PyObject *record = read_object(start, start + length);
    if (record || PyErr_Occurred())
        return record;
    Py_RETURN_NONE;
}
