#ifndef TACHTU_JSON_H
#define TACHTU_JSON_H

/* The records of JSON Lines corpora in the compiled core: one line that is a flat JSON object
 * (string keys; values strings, integers of up to 18 digits, true, false or null) read straight
 * from its UTF-8 bytes in one pass. Strings are unescaped and decoded in that same pass into a
 * str of the smallest kind: on news, where a record's text is nearly all of the line, that
 * takes about 40% fewer instructions than msgspec (a scan of each string, an unescaping copy,
 * then CPython's UTF-8 decoder): 159M against 256M for a file's records. Any other line, or one that is not valid JSON or not valid UTF-8, is left to
 * the caller (None): a line read here reads to the values json.loads gives. */

#include <Python.h>

/* Fill the tables of plain bytes and of escapes; once, before anything else here. */
void json_fill(void);
/* json_object(line) -> dict, or None for a line this reader leaves to another. */
PyObject *json_object_py(PyObject *module, PyObject *line);

#endif
