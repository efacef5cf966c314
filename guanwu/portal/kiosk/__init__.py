"""The touch-screen kiosk of the declaration halls (触摸屏查询, seed 四.四) at /kiosk/.

A closed, full-screen copy of the column for a shared touch screen: big targets, no way out
to other sites, an on-screen way to search without a keyboard (hot words and a pinyin-initials
pad) and a QR code to continue reading an item on one's own phone.
"""
