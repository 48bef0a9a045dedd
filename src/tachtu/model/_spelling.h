#ifndef TACHTU_SPELLING_H
#define TACHTU_SPELLING_H

/* The twin of tone placement and the syllable test in tachtu.normalize (place_tone,
 * _tone_position, is_vietnamese_syllable), for words of ASCII letters, đ and the Vietnamese
 * vowels, toned or not: what the core meets first in a chunk it has not seen. A word of other
 * letters is left to Python. Tests hold the two to the same answers on every syllable the rules
 * allow, in every case and tone. A letter is coded by one byte: ASCII letters by themselves in
 * lower case, ă â ê ô ơ ư đ by 1 to 7. */

#include <Python.h>

#define STYLE_KEEP 0
#define STYLE_OLD 1
#define STYLE_NEW 2

/* Fill the table of letters; once, before anything else here. */
void spelling_fill(void);
/* STYLE_* of "keep", "old" or "new"; -1 for anything else. */
int spelling_style(PyObject *style);
/* place_tone(word, style) into *out (a new reference): 1, or 0 when the word has letters not
 * known here (*out untouched), or -1 on error. */
int spelling_place_tone(PyObject *word, int style, PyObject **out);
/* is_vietnamese_syllable(word): 1 or 0, or 2 when the word has letters not known here. */
int spelling_is_syllable(PyObject *word);
/* The two above as module functions, for tests: None for a word of letters not known here. */
PyObject *spelling_place_tone_py(PyObject *module, PyObject *args);
PyObject *spelling_is_syllable_py(PyObject *module, PyObject *word);

#endif
