/*
 * A firmware-style host: the model and its input are byte arrays linked into the program (as they
 * would sit in flash), the model is loaded in place (weights not copied), tensors live in a static
 * arena, and the inference loop runs with the heap watched: any malloc & co. after start-up fails
 * the program.
 *
 * The arrays come from bin2c at build time (see Makefile): model_data (a .tflite or .dscm), input_data (raw
 * input tensor bytes) and expected_data (the golden output).
 */
#include <dscflow.h>

#include <stdio.h>
#include <string.h>

#include "malloc_counter.h"

extern const unsigned char model_data[], input_data[], expected_data[];
extern const size_t model_data_size, input_data_size, expected_data_size;

#ifndef FIRMWARE_ARENA_BYTES
#define FIRMWARE_ARENA_BYTES (512 * 1024)
#endif
#define OUTPUT_CAPACITY 4096
#define RUNS 3

static unsigned char arena[FIRMWARE_ARENA_BYTES];
static unsigned char output[OUTPUT_CAPACITY];

static int fail(const char *what, int status) {
    printf("firmware: %s failed: %s (%s)\n", what, dsc_last_error(), dsc_status_name(status));
    return 1;
}

int main(void) {
    /* Start-up: everything that may allocate happens here. */
    malloc_counter_start();
    dsc_model *model = NULL;
    dsc_session *session = NULL;
    int status = dsc_model_load_memory(model_data, model_data_size, &model);
    if (status != DSC_OK) return fail("dsc_model_load_memory", status);
    size_t needed = 0;
    if ((status = dsc_model_arena_size(model, 0, &needed)) != DSC_OK) return fail("dsc_model_arena_size", status);
    if (needed > sizeof arena) {
        printf("firmware: the model needs a %zu-byte arena; FIRMWARE_ARENA_BYTES is %zu\n", needed, sizeof arena);
        return 1;
    }
    if ((status = dsc_session_create_in_arena(model, 0, arena, sizeof arena, &session)) != DSC_OK)
        return fail("dsc_session_create_in_arena", status);
    dsc_tensor_info out;
    if ((status = dsc_model_output(model, 0, &out)) != DSC_OK) return fail("dsc_model_output", status);
    if (out.byte_size > sizeof output) {
        printf("firmware: output has %zu bytes; OUTPUT_CAPACITY is %d\n", out.byte_size, OUTPUT_CAPACITY);
        return 1;
    }
    malloc_counts startup = malloc_counter_stop();
    printf("start-up: model %zu bytes loaded in place, arena %zu of %zu static bytes, %lu heap allocations (%zu bytes)\n",
           model_data_size, needed, sizeof arena, startup.allocations, startup.bytes);

    /* The inference loop: no heap from here on. */
    malloc_counter_start();
    for (int run = 0; run < RUNS && status == DSC_OK; run++)
        status = dsc_session_run(session, input_data, input_data_size, output, out.byte_size);
    malloc_counts loop = malloc_counter_stop();
    if (status != DSC_OK) return fail("dsc_session_run", status);

    printf("output 0:");
    for (size_t i = 0; i < out.byte_size; i++)
        printf(" %d", out.type == DSC_TYPE_INT8 ? (int)(signed char)output[i] : (int)output[i]);
    printf("\n");
    printf("heap calls during %d runs: %lu allocations, %lu frees\n", RUNS, loop.allocations, loop.frees);

    int result = 0;
    if (startup.allocations == 0) {
        /* Loading a model allocates inside libdscflow.so; seeing none means the shim is not in effect
         * and the zero below would prove nothing. */
        printf("FAIL: the malloc shim saw no allocation at start-up: it is not interposed\n");
        result = 1;
    }
    if (loop.allocations != 0 || loop.frees != 0) {
        printf("FAIL: the inference loop used the heap\n");
        result = 1;
    }
    if (expected_data_size != out.byte_size || memcmp(expected_data, output, out.byte_size) != 0) {
        printf("FAIL: the output differs from the golden output\n");
        result = 1;
    } else {
        printf("ok: the output equals the golden output\n");
    }
    dsc_session_free(session);
    dsc_model_free(model);
    return result;
}
