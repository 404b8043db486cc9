/*
 * The device build's platform layer: what the hosted build gets from the OS (Sources/CDSCFlowSupport,
 * Sources/CDSCFlowSIMD/threads.c) implemented for a single-threaded bare-metal program, plus the
 * cycle timer the firmware measures inference with. Board: QEMU's mps2-an500 (Cortex-M7).
 */
#ifndef DSCFLOW_DEVICE_PLATFORM_H
#define DSCFLOW_DEVICE_PLATFORM_H

#include <stdint.h>

/** Starts the board's free-running 32-bit timer (CMSDK dual timer 1, 25 MHz system clock). */
void platform_timer_start(void);

/** Timer ticks since platform_timer_start (wraps after 2^32 ticks, 171 s at 25 MHz). */
uint32_t platform_timer_ticks(void);

/** Nanoseconds of one timer tick (40 at 25 MHz). Under `qemu -icount shift=0` a nanosecond of the
 *  guest's virtual clock is one instruction, so one tick is 40 instructions. */
#define PLATFORM_NS_PER_TICK 40u

#endif
