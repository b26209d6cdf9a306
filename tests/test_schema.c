/* test_schema.c - JSON Schema validation and the Gemini rewrite (>>schema).

   A table of (schema, value, expected path) cases over every keyword, exact messages for the
   common failures, JSONPath formatting of odd keys, realistic tool and extraction schemas
   against valid and invalid model outputs, hard errors ($ref cycles, remote and dangling
   $ref, broken schemas), and the Gemini rewrite compared value-for-value (ailib_json_equal)
   with the expected JSON.

   JSON in this file is written with ' for " (st_doc turns them back), so a key holding a
   double quote is written 'q\\'k' (JSON "q\"k"). */
#include "test.h"
#include "../ailib.h"

#include <stdlib.h>

#define ST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Parses text with ' standing for "; NULL (and a recorded failure) when it is not JSON. */
static ailib_json_doc *st_doc_at(const char *file, int line, const char *text) {
    size_t i, n = strlen(text);
    char *copy = (char *)malloc(n + 1);
    ailib_json_doc *d = NULL;
    ailib_error err;
    if (!copy) return NULL;
    for (i = 0; i <= n; i++) copy[i] = text[i] == '\'' ? '"' : text[i];
    ailib_error_clear(&err);
    if (ailib_json_parse(copy, n, NULL, &d, &err) != AILIB_OK) {
        ailib_test_fail(file, line, "test JSON does not parse (%s): %s", err.message, text);
        d = NULL;
    }
    free(copy);
    return d;
}
#define st_doc(t) st_doc_at(__FILE__, __LINE__, (t))

/* Validates value against schema; the error is cleared first. */
static ailib_result st_validate_at(const char *file, int line, const char *schema, const char *value, ailib_error *err) {
    ailib_json_doc *s = st_doc_at(file, line, schema), *v = st_doc_at(file, line, value);
    ailib_result r = AILIB_OK;
    ailib_error_clear(err);
    if (s && v) r = ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(v), err);
    else r = AILIB_RESULT_COUNT;
    ailib_json_doc_destroy(s);
    ailib_json_doc_destroy(v);
    return r;
}
#define st_validate(s, v, e) st_validate_at(__FILE__, __LINE__, (s), (v), (e))

/* ---- the keyword table ----------------------------------------------------------------- */

typedef struct st_case {
    const char *schema, *value;
    const char *path;             /* NULL: valid; else the expected err.json_path */
} st_case;

static const st_case st_cases[] = {
    /* type */
    { "{'type':'string'}", "'x'", NULL },
    { "{'type':'string'}", "5", "$" },
    { "{'type':'integer'}", "1", NULL },
    { "{'type':'integer'}", "1.0", NULL },
    { "{'type':'integer'}", "1.5", "$" },
    { "{'type':'integer'}", "1e2", NULL },
    { "{'type':'integer'}", "-0.0", NULL },
    { "{'type':'integer'}", "'1'", "$" },
    { "{'type':'number'}", "1", NULL },
    { "{'type':'number'}", "1.5", NULL },
    { "{'type':'number'}", "'1.5'", "$" },
    { "{'type':'boolean'}", "false", NULL },
    { "{'type':'boolean'}", "0", "$" },
    { "{'type':'null'}", "null", NULL },
    { "{'type':'null'}", "false", "$" },
    { "{'type':'array'}", "{}", "$" },
    { "{'type':'object'}", "[]", "$" },
    { "{'type':['string','null']}", "null", NULL },
    { "{'type':['string','null']}", "'s'", NULL },
    { "{'type':['string','null']}", "3", "$" },
    { "{'type':'STRING'}", "'x'", NULL },
    { "{'type':'unknown-type'}", "'x'", "$" },
    /* properties, required, additionalProperties */
    { "{'type':'object','properties':{'a':{'type':'integer'}}}", "{'a':'x'}", "$.a" },
    { "{'type':'object','properties':{'a':{'type':'integer'}}}", "{'b':'x'}", NULL },
    { "{'required':['a']}", "{}", "$" },
    { "{'required':['a']}", "{'a':null}", NULL },
    { "{'required':['a']}", "[1]", NULL },
    { "{'properties':{'a':{}},'additionalProperties':false}", "{'a':1,'b':2}", "$.b" },
    { "{'properties':{'a':{}},'additionalProperties':false}", "{'a':1}", NULL },
    { "{'additionalProperties':{'type':'integer'}}", "{'x':1,'y':'z'}", "$.y" },
    { "{'patternProperties':{'^x':{}},'additionalProperties':false}", "{'y':1}", NULL },
    { "{'minProperties':2}", "{'a':1}", "$" },
    { "{'maxProperties':1}", "{'a':1,'b':2}", "$" },
    { "{'properties':{'a':{'properties':{'b':{'properties':{'c':{'type':'string'}}}}}}}", "{'a':{'b':{'c':1}}}", "$.a.b.c" },
    { "{'properties':{'a':{'type':'integer'}}}", "{'a':1,'a':'dup'}", "$.a" },
    /* items, prefixItems, tuples */
    { "{'items':{'type':'integer'}}", "[1,2,'x']", "$[2]" },
    { "{'items':{'type':'integer'}}", "[]", NULL },
    { "{'prefixItems':[{'type':'string'},{'type':'integer'}]}", "['a',1,true]", NULL },
    { "{'prefixItems':[{'type':'string'},{'type':'integer'}],'items':false}", "['a',1,true]", "$[2]" },
    { "{'prefixItems':[{'type':'string'},{'type':'integer'}],'items':{'type':'boolean'}}", "['a',1,true,null]", "$[3]" },
    { "{'prefixItems':[{'type':'string'}]}", "[1]", "$[0]" },
    { "{'items':[{'type':'string'}],'additionalItems':false}", "['a','b']", "$[1]" },
    { "{'minItems':2}", "[1]", "$" },
    { "{'maxItems':1}", "[1,2]", "$" },
    { "{'uniqueItems':true}", "[1,2,1]", "$" },
    { "{'uniqueItems':true}", "[1,1.0]", "$" },
    { "{'uniqueItems':true}", "[{'a':1},{'a':2}]", NULL },
    { "{'uniqueItems':false}", "[1,1]", NULL },
    { "{'contains':{'type':'string'}}", "[1,'a']", NULL },
    { "{'contains':{'type':'string'}}", "[1,2]", "$" },
    { "{'items':{'items':{'type':'integer'}}}", "[[1],[2,'x']]", "$[1][1]" },
    /* enum, const */
    { "{'enum':['a','b']}", "'b'", NULL },
    { "{'enum':['a','b']}", "'c'", "$" },
    { "{'enum':[{'a':[1,2]},3]}", "{'a':[1,2]}", NULL },
    { "{'enum':[{'a':[1,2]},3]}", "{'a':[2,1]}", "$" },
    { "{'enum':[{'a':1,'b':2}]}", "{'b':2,'a':1}", NULL },
    { "{'enum':[1]}", "1.0", NULL },
    { "{'enum':[null]}", "null", NULL },
    { "{'const':'x'}", "'x'", NULL },
    { "{'const':{'k':null}}", "{'k':false}", "$" },
    { "{'const':0}", "false", "$" },
    /* strings: lengths in code points */
    { "{'minLength':2}", "'\xc3\xa9'", "$" },
    { "{'maxLength':1}", "'\xc3\xa9'", NULL },
    { "{'maxLength':1}", "'\xf0\x9f\x98\x80'", NULL },
    { "{'maxLength':1}", "'ab'", "$" },
    { "{'minLength':3,'maxLength':3}", "'a\xc3\xa9\xf0\x9f\x98\x80'", NULL },
    { "{'maxLength':2}", "'\\u00e9\\u00e9\\u00e9'", "$" },
    { "{'pattern':'^[0-9]+$'}", "'abc'", NULL },
    { "{'minLength':1}", "5", NULL },
    /* numbers */
    { "{'minimum':0}", "-1", "$" },
    { "{'minimum':0}", "0", NULL },
    { "{'exclusiveMinimum':0}", "0", "$" },
    { "{'exclusiveMinimum':0}", "0.001", NULL },
    { "{'maximum':10}", "10.5", "$" },
    { "{'exclusiveMaximum':10}", "10", "$" },
    { "{'exclusiveMaximum':10}", "9.999", NULL },
    { "{'minimum':5,'exclusiveMinimum':true}", "5", "$" },
    { "{'maximum':5,'exclusiveMaximum':false}", "5", NULL },
    { "{'maximum':9007199254740992}", "9007199254740993", "$" },
    { "{'maximum':9007199254740992.0}", "9007199254740993", "$" },
    { "{'minimum':-9223372036854775808}", "-9223372036854775808", NULL },
    { "{'multipleOf':0.1}", "0.3", NULL },
    { "{'multipleOf':3}", "10", "$" },
    { "{'multipleOf':3}", "-9", NULL },
    { "{'minimum':3}", "'2'", NULL },
    /* combinators */
    { "{'anyOf':[{'type':'string'},{'type':'integer'}]}", "1", NULL },
    { "{'anyOf':[{'type':'string'},{'type':'integer'}]}", "true", "$" },
    { "{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1", "$" },
    { "{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1.5", NULL },
    { "{'oneOf':[{'type':'integer'},{'type':'string'}]}", "null", "$" },
    { "{'allOf':[{'required':['a']},{'required':['b']}]}", "{'a':1}", "$" },
    { "{'allOf':[{'required':['a']},{'required':['b']}]}", "{'a':1,'b':2}", NULL },
    { "{'not':{'type':'string'}}", "'x'", "$" },
    { "{'not':{'type':'string'}}", "1", NULL },
    { "{'if':{'properties':{'kind':{'const':'a'}}},'then':{'required':['x']},'else':{'required':['y']}}", "{'kind':'a','y':1}", "$" },
    { "{'if':{'properties':{'kind':{'const':'a'}}},'then':{'required':['x']},'else':{'required':['y']}}", "{'kind':'b','y':1}", NULL },
    { "{'anyOf':[{'type':'object','properties':{'a':{'properties':{'b':{'type':'integer'}}}}},{'type':'string'}]}", "{'a':{'b':'x'}}", "$.a.b" },
    { "{'anyOf':[{'type':'string'},{'properties':{'list':{'items':{'type':'integer'}}}}]}", "{'list':[1,2,null]}", "$.list[2]" },
    { "{'properties':{'v':{'anyOf':[{'anyOf':[{'type':'string'},{'required':['deep']}]},{'type':'integer'}]}}}", "{'v':{'x':1}}", "$.v" },
    /* $ref */
    { "{'$defs':{'n':{'type':'integer'}},'properties':{'x':{'$ref':'#/$defs/n'}}}", "{'x':'s'}", "$.x" },
    { "{'$defs':{'n':{'type':'integer'}},'properties':{'x':{'$ref':'#/$defs/n'}}}", "{'x':7}", NULL },
    { "{'definitions':{'n':{'type':'integer'}},'items':{'$ref':'#/definitions/n'}}", "[1,'s']", "$[1]" },
    { "{'$defs':{'node':{'type':'object','properties':{'v':{'type':'integer'},'kids':{'type':'array','items':{'$ref':'#/$defs/node'}}}}},'$ref':'#/$defs/node'}",
      "{'v':1,'kids':[{'v':2,'kids':[{'v':'x'}]}]}", "$.kids[0].kids[0].v" },
    { "{'$defs':{'node':{'type':'object','properties':{'v':{'type':'integer'},'kids':{'type':'array','items':{'$ref':'#/$defs/node'}}}}},'$ref':'#/$defs/node'}",
      "{'v':1,'kids':[{'v':2,'kids':[{'v':3,'kids':[]}]}]}", NULL },
    { "{'$defs':{'a b':{'type':'string'},'c/d':{'type':'integer'},'e~f':{'type':'boolean'}},'properties':{'p':{'$ref':'#/$defs/a%20b'},'q':{'$ref':'#/$defs/c~1d'},'r':{'$ref':'#/$defs/e~0f'}}}",
      "{'p':'s','q':1,'r':'t'}", "$.r" },
    { "{'$defs':{'pair':[{'type':'string'},{'type':'integer'}]},'properties':{'x':{'$ref':'#/$defs/pair/1'}}}", "{'x':'s'}", "$.x" },
    { "{'properties':{'self':{'$ref':'#'}},'type':'object'}", "{'self':{'self':5}}", "$.self.self" },
    { "{'$ref':'#/$defs/s','description':'siblings apply too','maxLength':1,'$defs':{'s':{'type':'string'}}}", "'ab'", "$" },
    /* OpenAPI nullable */
    { "{'type':'string','nullable':true}", "null", NULL },
    { "{'type':'string','nullable':true}", "1", "$" },
    { "{'type':'string','enum':['a'],'nullable':true}", "null", NULL },
    { "{'type':'string','nullable':false}", "null", "$" },
    /* boolean schemas */
    { "true", "{'anything':[1]}", NULL },
    { "false", "1", "$" },
    { "{'properties':{'a':false}}", "{'a':1}", "$.a" },
    { "{'properties':{'a':false}}", "{}", NULL },
    { "{'items':true}", "[1,'x']", NULL },
    { "{}", "null", NULL },
    /* unknown keywords are ignored */
    { "{'x-vendor':{'type':'string'},'format':'email','title':'T','examples':[1]}", "42", NULL },
};

TEST(schema_validate_table) {
    size_t i;
    for (i = 0; i < ST_COUNT(st_cases); i++) {
        const st_case *c = &st_cases[i];
        ailib_error err;
        ailib_result r = st_validate(c->schema, c->value, &err);
        if (!c->path) {
            if (r != AILIB_OK)
                ailib_test_fail(__FILE__, __LINE__, "case %lu: %s against %s: expected valid, got %s (%s)",
                                (unsigned long)i, c->value, c->schema, ailib_result_name(r), err.message);
            continue;
        }
        if (r != AILIB_INVALID_ARGUMENT) {
            ailib_test_fail(__FILE__, __LINE__, "case %lu: %s against %s: expected AILIB_INVALID_ARGUMENT at %s, got %s",
                            (unsigned long)i, c->value, c->schema, c->path, ailib_result_name(r));
            continue;
        }
        if (strcmp(err.json_path, c->path) != 0 || strncmp(err.message, c->path, strlen(c->path)) != 0 ||
            strncmp(err.message + strlen(c->path), ": ", 2) != 0 || err.code != AILIB_INVALID_ARGUMENT)
            ailib_test_fail(__FILE__, __LINE__, "case %lu: %s against %s: expected path %s, got %s (%s)",
                            (unsigned long)i, c->value, c->schema, c->path, err.json_path, err.message);
    }
    EXPECT_GE(ST_COUNT(st_cases), 60);
}

/* ---- messages -------------------------------------------------------------------------- */

typedef struct st_msg { const char *schema, *value, *message; } st_msg;

static const st_msg st_msgs[] = {
    { "{'properties':{'age':{'type':'integer'}}}", "{'age':'x'}", "$.age: expected integer, got string \"x\"" },
    { "{'properties':{'age':{'type':'integer'}}}", "{'age':1.5}", "$.age: expected integer, got number 1.5" },
    { "{'required':['city']}", "{}", "$: missing required property \"city\"" },
    { "{'additionalProperties':false}", "{'extra':1}", "$.extra: additional property not allowed" },
    { "{'type':['string','null']}", "3", "$: expected string or null, got integer 3" },
    { "{'type':'object'}", "[1]", "$: expected object, got array" },
    { "{'type':'string'}", "null", "$: expected string, got null" },
    { "{'type':'string'}", "false", "$: expected string, got boolean false" },
    { "{'minLength':2}", "'\xc3\xa9'", "$: expected at least 2 characters, got 1" },
    { "{'maxLength':1}", "'ab'", "$: expected at most 1 character, got 2" },
    { "{'maxItems':1}", "[1,2]", "$: expected at most 1 item, got 2" },
    { "{'minItems':3}", "[1,2]", "$: expected at least 3 items, got 2" },
    { "{'minProperties':1}", "{}", "$: expected at least 1 property, got 0" },
    { "{'minimum':0}", "-1.5", "$: expected >= 0, got number -1.5" },
    { "{'minimum':0.5}", "0", "$: expected >= 0.5, got integer 0" },
    { "{'exclusiveMaximum':10}", "10", "$: expected < 10, got integer 10" },
    { "{'exclusiveMinimum':0}", "0", "$: expected > 0, got integer 0" },
    { "{'maximum':100}", "101", "$: expected <= 100, got integer 101" },
    { "{'multipleOf':5}", "7", "$: expected a multiple of 5, got integer 7" },
    { "{'enum':['celsius','fahrenheit']}", "'kelvin'", "$: expected one of \"celsius\", \"fahrenheit\", got string \"kelvin\"" },
    { "{'enum':[1,null,{'a':1},[2]]}", "2", "$: expected one of 1, null, {...}, [...], got integer 2" },
    { "{'const':'x'}", "true", "$: expected \"x\" (const), got boolean true" },
    { "{'anyOf':[{'type':'string'},{'type':'integer'}]}", "true", "$: matches no anyOf schema (0: expected string, got boolean true)" },
    { "{'oneOf':[{'type':'string'},{'type':'integer'}]}", "true", "$: matches no oneOf schema (0: expected string, got boolean true)" },
    { "{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1", "$: expected exactly one oneOf schema to match, got 0 and 1" },
    { "{'anyOf':[{'type':'string'},{'properties':{'a':{'type':'integer'}}}]}", "{'a':'x'}", "$.a: expected integer, got string \"x\"" },
    { "{'anyOf':[{'type':'string'},{'type':'object','required':['a']}]}", "{}", "$: missing required property \"a\"" },
    { "{'anyOf':[{'type':'string'},{'type':'object','minProperties':1}]}", "{}", "$: matches no anyOf schema (1: expected at least 1 property, got 0)" },
    /* tagged unions: the branch whose tag matches is reported */
    { "{'oneOf':[{'properties':{'kind':{'const':'circle'},'r':{'type':'number'}},'required':['kind','r']},"
      "{'properties':{'kind':{'const':'rect'},'w':{'type':'number'},'h':{'type':'number'}},'required':['kind','w','h']}]}",
      "{'kind':'rect','w':1}", "$: missing required property \"h\"" },
    { "{'anyOf':[{'properties':{'kind':{'enum':['circle']},'r':{'type':'number'}},'required':['kind','r']},"
      "{'properties':{'kind':{'enum':['rect']},'w':{'type':'number'}},'required':['kind','w']}]}",
      "{'kind':'rect','w':'1'}", "$.w: expected number, got string \"1\"" },
    { "{'anyOf':[{'properties':{'kind':{'enum':['circle']},'r':{'type':'number'}},'required':['kind','r']},"
      "{'properties':{'kind':{'enum':['rect']},'w':{'type':'number'}},'required':['kind','w']}]}",
      "{'w':'1','kind':'rect'}", "$.w: expected number, got string \"1\"" },
    { "{'uniqueItems':true}", "[1,2,1]", "$: expected unique items, got items 0 and 2 equal" },
    { "{'contains':{'type':'string'}}", "[1]", "$: expected an item matching \"contains\"" },
    { "{'not':{'type':'string'}}", "'x'", "$: expected a value the \"not\" schema rejects, got string \"x\"" },
    { "false", "1", "$: no value allowed here (the schema is false)" },
    { "{'prefixItems':[{}],'items':false}", "[1,2]", "$[1]: additional item not allowed" },
    { "{'type':'integer'}", "'line\\nbreak \\\\ \\'q\\' \\u0001'", "$: expected integer, got string \"line\\nbreak \\\\ \\\"q\\\" \\u0001\"" },
    { "{'type':'integer'}", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
      "$: expected integer, got string \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"" },
};

TEST(schema_validate_messages) {
    size_t i;
    for (i = 0; i < ST_COUNT(st_msgs); i++) {
        ailib_error err;
        ailib_result r = st_validate(st_msgs[i].schema, st_msgs[i].value, &err);
        if (r != AILIB_INVALID_ARGUMENT || strcmp(err.message, st_msgs[i].message) != 0)
            ailib_test_fail(__FILE__, __LINE__, "message %lu: %s against %s:\n    want %s\n    got  %s (%s)", (unsigned long)i,
                            st_msgs[i].value, st_msgs[i].schema, st_msgs[i].message, err.message, ailib_result_name(r));
    }
}

/* ---- JSONPath of odd keys ---------------------------------------------------------------- */

TEST(schema_error_paths) {
    static const struct { const char *value, *path; } keys[] = {
        { "{'a b':0}", "$[\"a b\"]" },
        { "{'q\\'k':0}", "$[\"q\\\"k\"]" },
        { "{'back\\\\slash':0}", "$[\"back\\\\slash\"]" },
        { "{'1x':0}", "$[\"1x\"]" },
        { "{'':0}", "$[\"\"]" },
        { "{'caf\xc3\xa9':0}", "$[\"caf\xc3\xa9\"]" },
        { "{'tab\\there':0}", "$[\"tab\\there\"]" },
        { "{'nul\\u0000':0}", "$[\"nul\\u0000\"]" },
        { "{'dash-ed':0}", "$[\"dash-ed\"]" },
        { "{'$ref':0}", "$[\"$ref\"]" },
        { "{'snake_case9':0}", "$.snake_case9" },
        { "{'_x':0}", "$._x" },
    };
    size_t i;
    ailib_error err;
    for (i = 0; i < ST_COUNT(keys); i++) {
        ailib_result r = st_validate("{'additionalProperties':false}", keys[i].value, &err);
        EXPECT_EQ(r, AILIB_INVALID_ARGUMENT);
        if (strcmp(err.json_path, keys[i].path) != 0)
            ailib_test_fail(__FILE__, __LINE__, "key %lu: want %s, got %s", (unsigned long)i, keys[i].path, err.json_path);
    }
    /* mixed: members and indices, a key with a space below an index */
    EXPECT_EQ(st_validate("{'properties':{'items':{'items':{'properties':{'unit price':{'type':'number'}}}}}}",
                          "{'items':[{},{},{'unit price':'x'}]}", &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.json_path, "$.items[2][\"unit price\"]");
    EXPECT_STR_EQ(err.message, "$.items[2][\"unit price\"]: expected number, got string \"x\"");
    /* the error's other fields are left alone, the code is set */
    EXPECT_EQ(err.code, AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(err.http_status, 0);
}

/* A path longer than json_path (128 bytes) is cut at a UTF-8 boundary and ends in "...";
   the message keeps more of it. */
TEST(schema_error_path_truncated) {
    /* every level's members are checked by the same definition; the leaf 1 is not an object */
    const char *schema = "{'$defs':{'n':{'type':'object','additionalProperties':{'$ref':'#/$defs/n'}}},'$ref':'#/$defs/n'}";
    const char *key = "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9";   /* 7 x U+00E9: 14 bytes, not an identifier */
    char value[4096];
    size_t i, o = 0;
    ailib_error err;
    /* {"ééééééé":{"ééééééé":{ ... : 1}}} ten levels deep */
    for (i = 0; i < 10; i++) o += (size_t)sprintf(value + o, "{'%s':", key);
    o += (size_t)sprintf(value + o, "1");
    for (i = 0; i < 10; i++) value[o++] = '}';
    value[o] = 0;
    ASSERT_EQ(st_validate(schema, value, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_LE(strlen(err.json_path), 127);
    EXPECT_TRUE(strlen(err.json_path) >= 120);
    EXPECT_TRUE(strcmp(err.json_path + strlen(err.json_path) - 3, "...") == 0);
    EXPECT_TRUE(strncmp(err.json_path, "$[\"\xc3\xa9\xc3\xa9", 7) == 0);
    /* the cut lands on a character boundary: no stray continuation byte before "..." */
    EXPECT_TRUE(((unsigned char)err.json_path[strlen(err.json_path) - 4] & 0xC0) != 0xC0);
    EXPECT_TRUE(strstr(err.message, "expected object, got integer 1") != NULL);
    EXPECT_GT(strlen(err.message), strlen(err.json_path));
}

/* ---- realistic schemas ------------------------------------------------------------------- */

static const char *const st_weather =
    "{'type':'object','properties':{"
    "'city':{'type':'string','description':'City name, e.g. Paris','minLength':1},"
    "'unit':{'type':'string','enum':['celsius','fahrenheit'],'default':'celsius'},"
    "'days':{'type':'integer','minimum':1,'maximum':14}},"
    "'required':['city'],'additionalProperties':false}";

TEST(schema_weather_tool) {
    static const struct { const char *args, *path, *message; } outs[] = {
        { "{'city':'Paris'}", NULL, NULL },
        { "{'city':'Paris','unit':'celsius','days':3}", NULL, NULL },
        { "{'city':'S\xc3\xa3o Paulo','days':14.0}", NULL, NULL },
        { "{'city':'Paris','unit':'kelvin'}", "$.unit", "$.unit: expected one of \"celsius\", \"fahrenheit\", got string \"kelvin\"" },
        { "{'unit':'celsius'}", "$", "$: missing required property \"city\"" },
        { "{'city':'Paris','days':0}", "$.days", "$.days: expected >= 1, got integer 0" },
        { "{'city':'Paris','days':2.5}", "$.days", "$.days: expected integer, got number 2.5" },
        { "{'city':'Paris','days':'3'}", "$.days", "$.days: expected integer, got string \"3\"" },
        { "{'city':'Paris','country':'FR'}", "$.country", "$.country: additional property not allowed" },
        { "{'city':42}", "$.city", "$.city: expected string, got integer 42" },
        { "{'city':''}", "$.city", "$.city: expected at least 1 character, got 0" },
        { "'Paris'", "$", "$: expected object, got string \"Paris\"" },
    };
    size_t i;
    for (i = 0; i < ST_COUNT(outs); i++) {
        ailib_error err;
        ailib_result r = st_validate(st_weather, outs[i].args, &err);
        if (!outs[i].path) { if (r != AILIB_OK) ailib_test_fail(__FILE__, __LINE__, "%s: %s", outs[i].args, err.message); continue; }
        EXPECT_EQ(r, AILIB_INVALID_ARGUMENT);
        EXPECT_STR_EQ(err.json_path, outs[i].path);
        EXPECT_STR_EQ(err.message, outs[i].message);
    }
}

static const char *const st_invoice =
    "{'$schema':'https://json-schema.org/draft/2020-12/schema',"
    "'$defs':{'line':{'type':'object','properties':{"
    "  'sku':{'type':'string','minLength':1},'qty':{'type':'integer','minimum':1},"
    "  'price':{'type':'number','minimum':0},"
    "  'tags':{'type':'array','items':{'type':'string'},'uniqueItems':true}},"
    "  'required':['sku','qty','price'],'additionalProperties':false}},"
    "'type':'object','properties':{"
    "'invoice_no':{'type':'string'},'date':{'type':'string','format':'date'},"
    "'customer':{'type':'object','properties':{'name':{'type':'string'},'email':{'type':['string','null']}},'required':['name','email']},"
    "'lines':{'type':'array','minItems':1,'items':{'$ref':'#/$defs/line'}},"
    "'sections':{'type':'array','items':{'type':'array','items':{'$ref':'#/$defs/line'}}},"
    "'status':{'anyOf':[{'const':'paid'},{'const':'open'},{'type':'null'}]},"
    "'total':{'type':'number'}},"
    "'required':['invoice_no','customer','lines','total']}";

TEST(schema_extraction_nested) {
    static const struct { const char *out, *path; } outs[] = {
        { "{'invoice_no':'A-1','date':'2026-01-02','customer':{'name':'ACME','email':null},"
          "'lines':[{'sku':'X','qty':2,'price':9.5,'tags':['a','b']},{'sku':'Y','qty':1,'price':0}],"
          "'sections':[[{'sku':'Z','qty':3,'price':1}],[]],'status':'paid','total':19}", NULL },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':'a@b.c'},'lines':[{'sku':'X','qty':1,'price':1}],'total':1,'status':null}", NULL },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1},{'sku':'Y','qty':0,'price':1}],'total':1}", "$.lines[1].qty" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1}],"
          "'sections':[[],[{'sku':'Z','qty':3,'price':1},{'sku':'','qty':3,'price':1}]],'total':1}", "$.sections[1][1].sku" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1,'color':'red'}],'total':1}", "$.lines[0].color" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME'},'lines':[{'sku':'X','qty':1,'price':1}],'total':1}", "$.customer" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1,'tags':['a','a']}],'total':1}", "$.lines[0].tags" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[],'total':1}", "$.lines" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1}],'total':'19.00'}", "$.total" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':null},'lines':[{'sku':'X','qty':1,'price':1}],'total':1,'status':'void'}", "$.status" },
        { "{'invoice_no':'A-1','customer':{'name':'ACME','email':7},'lines':[{'sku':'X','qty':1,'price':1}],'total':1}", "$.customer.email" },
    };
    size_t i;
    for (i = 0; i < ST_COUNT(outs); i++) {
        ailib_error err;
        ailib_result r = st_validate(st_invoice, outs[i].out, &err);
        if (!outs[i].path) { if (r != AILIB_OK) ailib_test_fail(__FILE__, __LINE__, "output %lu: %s", (unsigned long)i, err.message); continue; }
        EXPECT_EQ(r, AILIB_INVALID_ARGUMENT);
        if (strcmp(err.json_path, outs[i].path) != 0)
            ailib_test_fail(__FILE__, __LINE__, "output %lu: want %s, got %s (%s)", (unsigned long)i, outs[i].path, err.json_path, err.message);
    }
}

/* ---- hard errors and arguments ----------------------------------------------------------- */

TEST(schema_validate_hard_errors) {
    ailib_error err;
    ailib_json_doc *d;
    /* a $ref cycle that never descends into the value stops at the depth guard */
    EXPECT_EQ(st_validate("{'$ref':'#'}", "1", &err), AILIB_JSON_DEPTH);
    EXPECT_STR_EQ(err.json_path, "$");
    EXPECT_TRUE(strstr(err.message, "deeper than 1000") != NULL);
    EXPECT_EQ(st_validate("{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'allOf':[{'$ref':'#/$defs/a'}]}},'properties':{'x':{'$ref':'#/$defs/a'}}}",
                          "{'x':1}", &err), AILIB_JSON_DEPTH);
    EXPECT_STR_EQ(err.json_path, "$.x");
    /* a hard error inside an anyOf branch is not swallowed by the other branch */
    EXPECT_EQ(st_validate("{'anyOf':[{'$ref':'#/$defs/nope'},true]}", "1", &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.message, "$: invalid schema: nothing at $ref \"#/$defs/nope\"");
    EXPECT_EQ(st_validate("{'properties':{'a':{'$ref':'https://example.com/s.json#/x'}}}", "{'a':1}", &err), AILIB_UNSUPPORTED);
    EXPECT_STR_EQ(err.message, "$.a: only references into the same schema (\"#/...\") are supported, not $ref \"https://example.com/s.json#/x\"");
    EXPECT_STR_EQ(err.json_path, "$.a");
    EXPECT_EQ(st_validate("{'$ref':'#anchor'}", "1", &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(st_validate("{'properties':{'a':5}}", "{'a':1}", &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.message, "$.a: invalid schema: expected an object or a boolean as a schema, got integer");
    /* a member the schema does not look at is not an error, whatever its schema */
    EXPECT_EQ(st_validate("{'properties':{'a':5}}", "{'b':1}", &err), AILIB_OK);
    /* arguments */
    d = st_doc("{}");
    ASSERT_TRUE(d != NULL);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_validate(NULL, ailib_json_doc_root(d), &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.message, "ailib_schema_validate: schema is NULL");
    EXPECT_STR_EQ(err.json_path, "");
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(d), NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(d), ailib_json_doc_root(d), NULL), AILIB_OK);
    ailib_json_doc_destroy(d);
}

/* err may be NULL; results are the same. Success leaves err untouched. */
TEST(schema_validate_err_null) {
    ailib_json_doc *s = st_doc("{'type':'object','required':['a']}"), *ok = st_doc("{'a':1}"), *bad = st_doc("{}");
    ailib_error err;
    ASSERT_TRUE(s && ok && bad);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(bad), NULL), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(ok), NULL), AILIB_OK);
    ailib_error_clear(&err);
    strcpy(err.message, "untouched");
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(ok), &err), AILIB_OK);
    EXPECT_STR_EQ(err.message, "untouched");
    EXPECT_EQ(err.code, AILIB_OK);
    ailib_json_doc_destroy(s);
    ailib_json_doc_destroy(ok);
    ailib_json_doc_destroy(bad);
}

/* Deep values against a recursive schema: 300 levels (3 schema steps each) fit the guard;
   a failure at the bottom reports its full path in the message. */
TEST(schema_validate_deep_value) {
    const size_t depth = 300;
    char *text = (char *)malloc(depth * 2 + 8);
    ailib_json_doc *s, *v;
    ailib_error err;
    size_t i, o = 0;
    ASSERT_TRUE(text != NULL);
    for (i = 0; i < depth; i++) text[o++] = '[';
    text[o++] = '1';
    for (i = 0; i < depth; i++) text[o++] = ']';
    text[o] = 0;
    s = st_doc("{'$defs':{'a':{'anyOf':[{'type':'integer'},{'type':'array','items':{'$ref':'#/$defs/a'}}]}},'$ref':'#/$defs/a'}");
    v = st_doc(text);
    ASSERT_TRUE(s && v);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(v), &err), AILIB_OK);
    ailib_json_doc_destroy(v);
    text[depth] = '"';                     /* [[[...["]]]: not JSON; use a string leaf instead */
    ailib_json_doc_destroy(s);
    s = st_doc("{'$defs':{'a':{'type':['array','integer'],'items':{'$ref':'#/$defs/a'}}},'$ref':'#/$defs/a'}");
    o = 0;
    for (i = 0; i < depth; i++) text[o++] = '[';
    text[o++] = '\''; text[o++] = '\'';
    for (i = 0; i < depth; i++) text[o++] = ']';
    text[o] = 0;
    v = st_doc(text);
    ASSERT_TRUE(s && v);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(s), ailib_json_doc_root(v), &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strncmp(err.json_path, "$[0][0][0]", 10) == 0);
    EXPECT_TRUE(strstr(err.message, "...") != NULL);
    EXPECT_TRUE(strstr(err.message, "expected array or integer, got string \"\"") != NULL);
    ailib_json_doc_destroy(s);
    ailib_json_doc_destroy(v);
    free(text);
}

/* ---- the Gemini rewrite ------------------------------------------------------------------ */

typedef struct st_gem { const char *in, *out; } st_gem;

static const st_gem st_gems[] = {
    /* additionalProperties removed at every level, propertyOrdering added */
    { "{'type':'object','additionalProperties':false,'properties':{'a':{'type':'object','additionalProperties':false,"
      "'properties':{'b':{'type':'string'}},'required':['b']},'c':{'type':'array','items':{'type':'object',"
      "'additionalProperties':{'type':'string'},'properties':{'d':{'type':'boolean'}}}}},'required':['a']}",
      "{'type':'object','properties':{'a':{'type':'object','properties':{'b':{'type':'string'}},'required':['b'],'propertyOrdering':['b']},"
      "'c':{'type':'array','items':{'type':'object','properties':{'d':{'type':'boolean'}},'propertyOrdering':['d']}}},"
      "'required':['a'],'propertyOrdering':['a','c']}" },
    /* $defs inlined, a sibling description wins over the target's */
    { "{'$defs':{'Addr':{'type':'object','description':'An address','properties':{'city':{'type':'string'}},'required':['city']}},"
      "'type':'object','properties':{'home':{'$ref':'#/$defs/Addr'},'work':{'$ref':'#/$defs/Addr','description':'Office'}}}",
      "{'type':'object','properties':{"
      "'home':{'type':'object','description':'An address','properties':{'city':{'type':'string'}},'required':['city'],'propertyOrdering':['city']},"
      "'work':{'type':'object','description':'Office','properties':{'city':{'type':'string'}},'required':['city'],'propertyOrdering':['city']}},"
      "'propertyOrdering':['home','work']}" },
    /* draft-07 definitions */
    { "{'definitions':{'n':{'type':'integer','minimum':0}},'type':'array','items':{'$ref':'#/definitions/n'}}",
      "{'type':'array','items':{'type':'integer','minimum':0}}" },
    /* type arrays with null become nullable */
    { "{'type':['string','null'],'description':'d'}", "{'type':'string','nullable':true,'description':'d'}" },
    { "{'type':['null','integer']}", "{'type':'integer','nullable':true}" },
    /* pydantic's Optional[int] and Optional[Model] */
    { "{'anyOf':[{'type':'integer'},{'type':'null'}],'default':null,'title':'Age'}", "{'type':'integer','nullable':true,'title':'Age'}" },
    { "{'$defs':{'P':{'type':'object','properties':{'x':{'type':'number'}}}},'type':'object','properties':{'p':{'anyOf':[{'$ref':'#/$defs/P'},{'type':'null'}]}}}",
      "{'type':'object','properties':{'p':{'type':'object','nullable':true,'properties':{'x':{'type':'number'}},'propertyOrdering':['x']}},'propertyOrdering':['p']}" },
    /* const to a one-value enum (strings), to minimum = maximum (numbers) */
    { "{'const':'fixed'}", "{'type':'string','enum':['fixed']}" },
    { "{'type':'string','const':'fixed','enum':['a','b']}", "{'type':'string','enum':['fixed']}" },
    { "{'type':'integer','const':3}", "{'type':'integer','minimum':3,'maximum':3}" },
    /* enum: strings kept, other kinds dropped, null becomes nullable */
    { "{'type':'string','enum':['a','b'],'format':'enum'}", "{'type':'string','enum':['a','b'],'format':'enum'}" },
    { "{'type':'integer','enum':[1,2,3]}", "{'type':'integer'}" },
    { "{'enum':['a',null]}", "{'type':'string','enum':['a'],'nullable':true}" },
    { "{'enum':['a',1]}", "{'type':'string','enum':['a']}" },
    /* unsupported keywords dropped, title kept */
    { "{'$schema':'https://json-schema.org/draft/2020-12/schema','$id':'x','title':'T','type':'string','default':'a',"
      "'examples':['b'],'pattern':'^a','minLength':1,'maxLength':9,'format':'email','x-extra':1,'$comment':'c','readOnly':true}",
      "{'type':'string','title':'T'}" },
    /* formats per type */
    { "{'type':'object','properties':{'t':{'type':'string','format':'date-time'},'i':{'type':'integer','format':'int64'},"
      "'f':{'type':'number','format':'float'},'bad':{'type':'integer','format':'float'},'e':{'type':'string','format':'enum'}}}",
      "{'type':'object','properties':{'t':{'type':'string','format':'date-time'},'i':{'type':'integer','format':'int64'},"
      "'f':{'type':'number','format':'float'},'bad':{'type':'integer'},'e':{'type':'string'}},'propertyOrdering':['t','i','f','bad','e']}" },
    /* bounds: exclusive ones become inclusive on integers, are dropped on numbers */
    { "{'type':'integer','exclusiveMinimum':0,'exclusiveMaximum':10}", "{'type':'integer','minimum':1,'maximum':9}" },
    { "{'type':'integer','exclusiveMinimum':0.5,'maximum':10.0}", "{'type':'integer','minimum':1,'maximum':10.0}" },
    { "{'type':'integer','minimum':5,'exclusiveMinimum':3}", "{'type':'integer','minimum':5}" },
    { "{'type':'integer','minimum':5,'exclusiveMinimum':true}", "{'type':'integer','minimum':6}" },
    { "{'type':'number','exclusiveMinimum':0,'maximum':1,'multipleOf':0.5}", "{'type':'number','maximum':1}" },
    /* allOf merged: properties and required united */
    { "{'allOf':[{'type':'object','properties':{'a':{'type':'string'}},'required':['a']},{'properties':{'b':{'type':'integer'}},'required':['b','a']}]}",
      "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'}},'required':['a','b'],'propertyOrdering':['a','b']}" },
    /* anyOf kept, its null branch becomes nullable; oneOf becomes anyOf */
    { "{'anyOf':[{'type':'string'},{'type':'integer','additionalProperties':false},{'type':'null'}]}",
      "{'nullable':true,'anyOf':[{'type':'string'},{'type':'integer'}]}" },
    { "{'oneOf':[{'type':'string'},{'type':'number'}],'description':'either'}", "{'description':'either','anyOf':[{'type':'string'},{'type':'number'}]}" },
    /* several types: one anyOf branch each, with that type's keywords */
    { "{'type':['string','integer','null'],'maxLength':3,'minimum':1,'enum':['x',2]}",
      "{'nullable':true,'anyOf':[{'type':'string','enum':['x']},{'type':'integer','minimum':1}]}" },
    /* true / {} (any value) as a string; false properties dropped, also from required */
    { "{'type':'object','properties':{'any':true,'none':false,'desc':{'description':'free'}},'required':['any','none']}",
      "{'type':'object','properties':{'any':{'type':'string'},'desc':{'type':'string','description':'free'}},'required':['any'],'propertyOrdering':['any','desc']}" },
    /* arrays: items always present, tuples folded */
    { "{'type':'array','minItems':1,'maxItems':5}", "{'type':'array','minItems':1,'maxItems':5,'items':{'type':'string'}}" },
    { "{'type':'array','prefixItems':[{'type':'number'},{'type':'string'}],'items':false}",
      "{'type':'array','maxItems':2,'items':{'anyOf':[{'type':'number'},{'type':'string'}]}}" },
    { "{'type':'array','items':[{'type':'number'}],'additionalItems':{'type':'boolean'}}",
      "{'type':'array','items':{'anyOf':[{'type':'number'},{'type':'boolean'}]}}" },
    /* required filtered to declared properties; properties stripped from non-objects */
    { "{'type':'object','properties':{'a':{'type':'string'}},'required':['a','ghost']}",
      "{'type':'object','properties':{'a':{'type':'string'}},'required':['a'],'propertyOrdering':['a']}" },
    { "{'type':'string','properties':{'x':{}},'required':['x'],'items':{}}", "{'type':'string'}" },
    /* types inferred from keywords; uppercase names normalized */
    { "{'properties':{'a':{'type':'BOOLEAN'}},'description':'no type'}",
      "{'type':'object','description':'no type','properties':{'a':{'type':'boolean'}},'propertyOrdering':['a']}" },
    { "{'items':{'type':'STRING'}}", "{'type':'array','items':{'type':'string'}}" },
    { "{'maximum':3}", "{'type':'number','maximum':3}" },
    /* the same definition twice, nested definitions: not recursion */
    { "{'$defs':{'A':{'type':'object','properties':{'b':{'$ref':'#/$defs/B'}}},'B':{'type':'string'}},"
      "'type':'object','properties':{'a1':{'$ref':'#/$defs/A'},'a2':{'$ref':'#/$defs/A'},'b':{'$ref':'#/$defs/B'}}}",
      "{'type':'object','properties':{'a1':{'type':'object','properties':{'b':{'type':'string'}},'propertyOrdering':['b']},"
      "'a2':{'type':'object','properties':{'b':{'type':'string'}},'propertyOrdering':['b']},'b':{'type':'string'}},'propertyOrdering':['a1','a2','b']}" },
    /* allOf [$ref] with siblings (pydantic v1 nested models) */
    { "{'definitions':{'M':{'type':'object','title':'M','properties':{'v':{'type':'integer'}}}},'type':'object',"
      "'properties':{'m':{'allOf':[{'$ref':'#/definitions/M'}],'description':'the model'}}}",
      "{'type':'object','properties':{'m':{'type':'object','title':'M','description':'the model','properties':{'v':{'type':'integer'}},"
      "'propertyOrdering':['v']}},'propertyOrdering':['m']}" },
};

/* Rewrites in and compares with out (ailib_json_equal); the output must also be valid JSON
   without additionalProperties, $ref or $defs anywhere. */
static void st_gemini_case(size_t i, const char *in, const char *out) {
    ailib_json_doc *s = st_doc(in), *want = st_doc(out), *got = NULL;
    ailib_json_writer w;
    ailib_error err;
    ailib_result r;
    if (!s || !want) goto done;
    ailib_json_writer_init(&w, NULL);
    ailib_error_clear(&err);
    r = ailib_schema_to_gemini(ailib_json_doc_root(s), &w, &err);
    if (r != AILIB_OK || ailib_json_writer_finish(&w) != AILIB_OK) {
        ailib_test_fail(__FILE__, __LINE__, "gemini %lu: %s (%s)", (unsigned long)i, ailib_result_name(r), err.message);
    } else if (ailib_json_parse(w.buf, w.len, NULL, &got, &err) != AILIB_OK) {
        ailib_test_fail(__FILE__, __LINE__, "gemini %lu: output is not JSON: %s", (unsigned long)i, w.buf);
    } else if (!ailib_json_equal(ailib_json_doc_root(got), ailib_json_doc_root(want))) {
        ailib_test_fail(__FILE__, __LINE__, "gemini %lu: %s\n    want %s\n    got  %s", (unsigned long)i, in, out, w.buf);
    } else if (strstr(w.buf, "additionalProperties") || strstr(w.buf, "$ref") || strstr(w.buf, "$defs")) {
        ailib_test_fail(__FILE__, __LINE__, "gemini %lu: unsupported keyword left in %s", (unsigned long)i, w.buf);
    }
    ailib_json_writer_deinit(&w);
done:
    ailib_json_doc_destroy(s);
    ailib_json_doc_destroy(want);
    ailib_json_doc_destroy(got);
}

TEST(schema_gemini_table) {
    size_t i;
    for (i = 0; i < ST_COUNT(st_gems); i++) st_gemini_case(i, st_gems[i].in, st_gems[i].out);
    EXPECT_GE(ST_COUNT(st_gems), 15);
}

/* The realistic schemas rewrite, and what satisfies them still validates against the
   rewritten schema (the validator reads Gemini's nullable). */
TEST(schema_gemini_realistic) {
    static const char *const samples[] = {
        "{'invoice_no':'A-1','date':'2026-01-02','customer':{'name':'ACME','email':null},"
        "'lines':[{'sku':'X','qty':2,'price':9.5,'tags':['a','b']}],'sections':[[{'sku':'Z','qty':3,'price':1}]],'status':null,'total':19}",
        "{'invoice_no':'A-1','customer':{'name':'ACME','email':'a@b.c'},'lines':[{'sku':'X','qty':1,'price':1}],'total':1,'status':'open'}",
    };
    const char *const schemas[] = { st_weather, st_invoice };
    size_t i;
    for (i = 0; i < 2; i++) {
        ailib_json_doc *s = st_doc(schemas[i]), *g = NULL, *v;
        ailib_json_writer w;
        ailib_error err;
        ASSERT_TRUE(s != NULL);
        ailib_json_writer_init(&w, NULL);
        ASSERT_EQ(ailib_schema_to_gemini(ailib_json_doc_root(s), &w, &err), AILIB_OK);
        ASSERT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
        ASSERT_EQ(ailib_json_parse(w.buf, w.len, NULL, &g, &err), AILIB_OK);
        EXPECT_TRUE(strstr(w.buf, "additionalProperties") == NULL);
        EXPECT_TRUE(strstr(w.buf, "$schema") == NULL);
        EXPECT_TRUE(strstr(w.buf, "\"default\"") == NULL);
        if (i == 0) {
            EXPECT_STR_EQ(w.buf, "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City name, e.g. Paris\"},"
                                 "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]},"
                                 "\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":14}},"
                                 "\"required\":[\"city\"],\"propertyOrdering\":[\"city\",\"unit\",\"days\"]}");
            v = st_doc("{'city':'Paris','unit':'celsius','days':3}");
        } else {
            const ailib_json *status = ailib_json_path(ailib_json_doc_root(g), "properties", "status", (const char *)NULL);
            /* anyOf of two consts and null: two string branches, nullable */
            EXPECT_TRUE(ailib_json_bool(ailib_json_get(status, "nullable")));
            EXPECT_EQ(ailib_json_size(ailib_json_get(status, "anyOf")), 2);
            v = st_doc(samples[0]);
            if (v) {
                EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(g), ailib_json_doc_root(v), &err), AILIB_OK);
                ailib_json_doc_destroy(v);
            }
            v = st_doc(samples[1]);
        }
        if (v) {
            EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(g), ailib_json_doc_root(v), &err), AILIB_OK);
            ailib_json_doc_destroy(v);
        }
        ailib_json_writer_deinit(&w);
        ailib_json_doc_destroy(s);
        ailib_json_doc_destroy(g);
    }
}

/* Failures: the right code and message, and the writer as it was before the call. */
static ailib_result st_gemini_fail(const char *in, ailib_error *err, const char **msg) {
    ailib_json_doc *s = st_doc(in);
    ailib_json_writer w;
    ailib_result r;
    size_t len;
    static char keep[512];
    if (!s) return AILIB_RESULT_COUNT;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_array_begin(&w);
    ailib_json_write_int(&w, 1);
    len = w.len;
    ailib_error_clear(err);
    r = ailib_schema_to_gemini(ailib_json_doc_root(s), &w, err);
    if (r != AILIB_OK && w.len != len) ailib_test_fail(__FILE__, __LINE__, "%s: the writer kept %lu bytes of a failed rewrite", in, (unsigned long)(w.len - len));
    /* the writer goes on as if the call had not happened */
    ailib_json_write_int(&w, 2);
    ailib_json_write_array_end(&w);
    if (r != AILIB_OK && (ailib_json_writer_finish(&w) != AILIB_OK || strcmp(w.buf, "[1,2]") != 0))
        ailib_test_fail(__FILE__, __LINE__, "%s: writer after a failed rewrite: %s", in, w.buf ? w.buf : "(null)");
    snprintf(keep, sizeof keep, "%s", err->message);
    *msg = keep;
    ailib_json_writer_deinit(&w);
    ailib_json_doc_destroy(s);
    return r;
}

TEST(schema_gemini_errors) {
    ailib_error err;
    const char *msg = "";
    ailib_json_doc *d;
    ailib_json_writer w;
    /* recursion, through $defs, through "#", through allOf */
    EXPECT_EQ(st_gemini_fail("{'$defs':{'node':{'type':'object','properties':{'kids':{'type':'array','items':{'$ref':'#/$defs/node'}}}}},'$ref':'#/$defs/node'}", &err, &msg),
              AILIB_UNSUPPORTED);
    EXPECT_STR_EQ(msg, "ailib_schema_to_gemini: the schema is recursive and Gemini cannot express recursion: $ref \"#/$defs/node\"");
    EXPECT_EQ(err.code, AILIB_UNSUPPORTED);
    EXPECT_EQ(st_gemini_fail("{'type':'object','properties':{'self':{'$ref':'#'}}}", &err, &msg), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(msg, "recursion") != NULL);
    EXPECT_EQ(st_gemini_fail("{'$defs':{'a':{'properties':{'b':{'$ref':'#/$defs/b'}}},'b':{'allOf':[{'items':{'$ref':'#/$defs/a'}}]}},'$ref':'#/$defs/a'}", &err, &msg),
              AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(msg, "recursion") != NULL);
    /* a ref cycle with no schema in between is merged, not an error */
    EXPECT_EQ(st_gemini_fail("{'$defs':{'a':{'$ref':'#/$defs/b','type':'string'},'b':{'$ref':'#/$defs/a'}},'properties':{'x':{'$ref':'#/$defs/a'}}}", &err, &msg),
              AILIB_OK);
    /* refs that do not resolve, or leave the document */
    EXPECT_EQ(st_gemini_fail("{'properties':{'x':{'$ref':'#/$defs/missing'}}}", &err, &msg), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(msg, "ailib_schema_to_gemini: invalid schema: nothing at $ref \"#/$defs/missing\"");
    EXPECT_EQ(st_gemini_fail("{'properties':{'x':{'$ref':'other.json#/a'}}}", &err, &msg), AILIB_UNSUPPORTED);
    /* broken subschema */
    EXPECT_EQ(st_gemini_fail("{'properties':{'x':[1]}}", &err, &msg), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(msg, "ailib_schema_to_gemini: invalid schema: expected an object or a boolean as a schema, got array");
    /* the root must be an object */
    EXPECT_EQ(st_gemini_fail("true", &err, &msg), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(msg, "ailib_schema_to_gemini: the schema must be a JSON object, got boolean");
    EXPECT_EQ(st_gemini_fail("[{'type':'string'}]", &err, &msg), AILIB_INVALID_ARGUMENT);
    /* too deep */
    {
        char text[4096];
        size_t i, o = 0;
        for (i = 0; i < 200; i++) o += (size_t)sprintf(text + o, "{'items':");
        o += (size_t)sprintf(text + o, "{}");
        for (i = 0; i < 200; i++) text[o++] = '}';
        text[o] = 0;
        EXPECT_EQ(st_gemini_fail(text, &err, &msg), AILIB_JSON_DEPTH);
    }
    /* writer misuse (a value where a key is due) and NULL arguments */
    d = st_doc("{'type':'string'}");
    ASSERT_TRUE(d != NULL);
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    EXPECT_EQ(ailib_schema_to_gemini(ailib_json_doc_root(d), &w, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(w.error, AILIB_OK);
    EXPECT_EQ(w.len, 1);
    ailib_json_write_key(&w, "schema");
    EXPECT_EQ(ailib_schema_to_gemini(ailib_json_doc_root(d), &w, NULL), AILIB_OK);
    ailib_json_write_object_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_STR_EQ(w.buf, "{\"schema\":{\"type\":\"string\"}}");
    EXPECT_EQ(ailib_schema_to_gemini(ailib_json_doc_root(d), NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_schema_to_gemini(NULL, &w, &err), AILIB_INVALID_ARGUMENT);
    ailib_json_writer_deinit(&w);
    ailib_json_doc_destroy(d);
}
