/*
 * dscflow_run: load a model, print what it is, and optionally run it on an input file.
 *
 *   dscflow_run MODEL [INPUT]
 *
 * INPUT holds the raw bytes of the model's input tensor (NHWC, C order), or is an uncompressed 8-bit
 * BMP whose pixel bytes are the input values (rows read top-down, as TFLite Micro's person-detection
 * images are used). Prints the output tensor's values on a line "output 0: v0 v1 ...".
 *
 * Build: cc dscflow_run.c $(pkg-config --cflags --libs dscflow) -o dscflow_run
 */
#include <dscflow.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_tensor(const char *role, size_t index, const dsc_tensor_info *t) {
    printf("%s %zu: %s %s[", role, index, t->name, dsc_type_name(t->type));
    for (int32_t d = 0; d < t->rank; d++) printf("%s%lld", d ? "," : "", (long long)t->shape[d]);
    printf("] %zu bytes, scale %g, zero point %d\n", t->byte_size, (double)t->scale, (int)t->zero_point);
}

static int fail(const char *what, int status) {
    fprintf(stderr, "dscflow_run: %s: %s (%s)\n", what, dsc_last_error(), dsc_status_name(status));
    return 1;
}

/* Reads a whole file; NULL (with a message) on failure. */
static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return NULL; }
    unsigned char *data = NULL;
    size_t used = 0, capacity = 0;
    for (;;) {
        if (used == capacity) {
            size_t grown = capacity ? capacity * 2 : 65536;
            unsigned char *p = realloc(data, grown);
            if (!p) { free(data); fclose(f); fprintf(stderr, "%s: out of memory\n", path); return NULL; }
            data = p;
            capacity = grown;
        }
        size_t got = fread(data + used, 1, capacity - used, f);
        used += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(data); fprintf(stderr, "%s: read error\n", path); return NULL; }
    *size = used;
    return data;
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* If `file` is an uncompressed 8-bit BMP, replaces it by its pixel bytes, top row first. Returns 0 if
 * it is not a BMP (left unchanged), 1 if converted, -1 on a malformed BMP. */
static int bmp_pixels(unsigned char **file, size_t *size) {
    const unsigned char *b = *file;
    if (*size < 54 || b[0] != 'B' || b[1] != 'M') return 0;
    uint32_t offset = le32(b + 10);
    int32_t width = (int32_t)le32(b + 18), height = (int32_t)le32(b + 22);
    unsigned bits = b[28] | b[29] << 8;
    uint32_t compression = le32(b + 30);
    if (bits != 8 || compression != 0 || width <= 0 || height == 0 || height == INT32_MIN) return -1;
    size_t rows = (size_t)(height < 0 ? -(int64_t)height : height);
    size_t stride = ((size_t)width + 3) / 4 * 4;
    if (offset > *size || rows > (*size - offset) / stride) return -1;
    unsigned char *pixels = malloc(rows * (size_t)width);
    if (!pixels) return -1;
    for (size_t r = 0; r < rows; r++) {
        size_t source = height > 0 ? rows - 1 - r : r; /* positive height: rows stored bottom-up */
        memcpy(pixels + r * (size_t)width, b + offset + source * stride, (size_t)width);
    }
    free(*file);
    *file = pixels;
    *size = rows * (size_t)width;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s MODEL [INPUT]\n", argv[0]);
        return 2;
    }
    printf("DSCFlow %s\n", dsc_version());
    dsc_model *model = NULL;
    int status = dsc_model_load_file(argv[1], &model);
    if (status != DSC_OK) return fail("load", status);

    size_t inputs = 0, outputs = 0, ops = 0, arena = 0;
    uint64_t macs = 0, parameters = 0;
    dsc_model_input_count(model, &inputs);
    dsc_model_output_count(model, &outputs);
    dsc_model_op_count(model, &ops);
    dsc_model_macs(model, &macs);
    dsc_model_parameter_count(model, &parameters);
    dsc_model_arena_size(model, 0, &arena);
    for (size_t i = 0; i < inputs; i++) {
        dsc_tensor_info t;
        if ((status = dsc_model_input(model, i, &t)) != DSC_OK) return fail("input info", status);
        print_tensor("input", i, &t);
    }
    for (size_t i = 0; i < outputs; i++) {
        dsc_tensor_info t;
        if ((status = dsc_model_output(model, i, &t)) != DSC_OK) return fail("output info", status);
        print_tensor("output", i, &t);
    }
    printf("operators: %zu\nMACs: %llu\nparameters: %llu\narena: %zu bytes\n", ops,
           (unsigned long long)macs, (unsigned long long)parameters, arena);

    int result = 0;
    if (argc == 3) {
        size_t size = 0;
        unsigned char *input = read_file(argv[2], &size);
        if (!input) { dsc_model_free(model); return 1; }
        if (bmp_pixels(&input, &size) < 0) {
            fprintf(stderr, "%s: unsupported or malformed BMP (need uncompressed 8-bit)\n", argv[2]);
            free(input);
            dsc_model_free(model);
            return 1;
        }
        dsc_tensor_info out;
        dsc_session *session = NULL;
        unsigned char *output = NULL;
        if ((status = dsc_model_output(model, 0, &out)) != DSC_OK) result = fail("output info", status);
        else if ((status = dsc_session_create(model, &session)) != DSC_OK) result = fail("session", status);
        else if (!(output = malloc(out.byte_size ? out.byte_size : 1))) result = fail("output buffer", DSC_ERR_OUT_OF_MEMORY);
        else if ((status = dsc_session_run(session, input, size, output, out.byte_size)) != DSC_OK) result = fail("run", status);
        else {
            printf("output 0:");
            for (size_t i = 0; i < out.byte_size; ) {
                switch (out.type) {
                case DSC_TYPE_INT8: printf(" %d", (int)(int8_t)output[i]); i += 1; break;
                case DSC_TYPE_UINT8: printf(" %u", (unsigned)output[i]); i += 1; break;
                case DSC_TYPE_INT16: { int16_t v; memcpy(&v, output + i, 2); printf(" %d", (int)v); i += 2; break; }
                case DSC_TYPE_FLOAT32: { float v; memcpy(&v, output + i, 4); printf(" %.9g", (double)v); i += 4; break; }
                default: { int32_t v; memcpy(&v, output + i, 4); printf(" %ld", (long)v); i += 4; break; }
                }
            }
            printf("\n");
        }
        free(output);
        free(input);
        dsc_session_free(session);
    }
    dsc_model_free(model);
    return result;
}
