package main

import "fyne.io/fyne/v2"

// windowSize is the window's size when not full screen: it fits the smallest
// screens we meet (1024×768) with room for a task bar.
func windowSize() fyne.Size { return fyne.NewSize(1000, 700) }
