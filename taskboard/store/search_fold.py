"""How the search index splits and folds words, as data both backends and Python share.

SQLite's FTS5 tokenizer `unicode61 remove_diacritics 2` decides, for every code point,
whether it separates words, is folded to another one (case and accents), is dropped (a
combining accent) or is kept. These tables are that decision, read from the tokenizer
itself (tests/test_search_fold.py checks them against the SQLite in use). PostgreSQL's
search columns are computed by a function built from the same tables (migration 0002),
and a query's words are folded here, so both backends index and look up the same words.

The `_V1` tables are frozen: migration 0002 built PostgreSQL's function from them. A
different folding needs new tables and a new migration that rebuilds the index.
"""

from __future__ import annotations

from functools import cache

FOLD_FROM_V1 = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZµÀÁÂÃÄÅÆÇÈÉÊËÌ"
    "ÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùú"
    "ûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤ"
    "ĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕ"
    "ŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
    "ſƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄ"
    "ǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǢǤǦǧǨǩǪǫǬǭǮǰǱǲǴǵ"
    "ǶǷǸǹǺǻǼǾȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠ"
    "ȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎͰͲͶΆΈΉΊΌΎΏΑ"
    "ΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫςϏϐϑϕϖϘϚϜϞϠϢϤϦϨ"
    "ϪϬϮϰϱϴϵϷϹϺϽϾϿЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙК"
    "ЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌ"
    "ҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜ"
    "ӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾԀԂԄԆԈԊԌԎԐԒԔԖԘԚԜԞԠԢԤԦԱԲԳ"
    "ԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖႠႡႢႣႤ"
    "ႥႦႧႨႩႪႫႬႭႮႯႰႱႲႳႴႵႶႷႸႹႺႻႼႽႾႿჀჁჂჃჄჅჇჍḀḁḂḃḄ"
    "ḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬ"
    "ḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔ"
    "ṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼ"
    "ṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẞẠạẢảẤấẦầẨ"
    "ẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐ"
    "ốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸ"
    "ỹỺỼỾἈἉἊἋἌἍἎἏἘἙἚἛἜἝἨἩἪἫἬἭἮἯἸἹἺἻἼἽἾἿὈὉὊὋὌὍ"
    "ὙὛὝὟὨὩὪὫὬὭὮὯᾈᾉᾊᾋᾌᾍᾎᾏᾘᾙᾚᾛᾜᾝᾞᾟᾨᾩᾪᾫᾬᾭᾮᾯᾸᾹᾺΆ"
    "ᾼιῈΈῊΉῌῘῙῚΊῨῩῪΎῬῸΌῺΏῼΩKÅℲⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅬⅭⅮ"
    "ⅯↃⰀⰁⰂⰃⰄⰅⰆⰇⰈⰉⰊⰋⰌⰍⰎⰏⰐⰑⰒⰓⰔⰕⰖⰗⰘⰙⰚⰛⰜⰝⰞⰟⰠⰡⰢⰣⰤⰥ"
    "ⰦⰧⰨⰩⰪⰫⰬⰭⰮⱠⱢⱣⱤⱧⱩⱫⱭⱮⱯⱰⱲⱵⱾⱿⲀⲂⲄⲆⲈⲊⲌⲎⲐⲒⲔⲖⲘⲚⲜⲞ"
    "ⲠⲢⲤⲦⲨⲪⲬⲮⲰⲲⲴⲶⲸⲺⲼⲾⳀⳂⳄⳆⳈⳊⳌⳎⳐⳒⳔⳖⳘⳚⳜⳞⳠⳢⳫⳭⳲꙀꙂꙄ"
    "ꙆꙈꙊꙌꙎꙐꙒꙔꙖꙘꙚꙜꙞꙠꙢꙤꙦꙨꙪꙬꚀꚂꚄꚆꚈꚊꚌꚎꚐꚒꚔꚖꜢꜤꜦꜨꜪꜬꜮꜲ"
    "ꜴꜶꜸꜺꜼꜾꝀꝂꝄꝆꝈꝊꝌꝎꝐꝒꝔꝖꝘꝚꝜꝞꝠꝢꝤꝦꝨꝪꝬꝮꝹꝻꝽꝾꞀꞂꞄꞆꞋꞍ"
    "ꞐꞒꞠꞢꞤꞦꞨꞪＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ𐐀𐐁𐐂𐐃𐐄𐐅"
    "𐐆𐐇𐐈𐐉𐐊𐐋𐐌𐐍𐐎𐐏𐐐𐐑𐐒𐐓𐐔𐐕𐐖𐐗𐐘𐐙𐐚𐐛𐐜𐐝𐐞𐐟𐐠𐐡𐐢𐐣𐐤𐐥𐐦𐐧"
)
FOLD_TO_V1 = (
    "abcdefghijklmnopqrstuvwxyzμaaaaaaæceeeei"
    "iiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouu"
    "uuyyaaaaaaccccccccddđeeeeeeeeeeggggggggh"
    "hħiiiiiiiiiĳjjkkllllllŀłnnnnnnŋooooooœrr"
    "rrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzz"
    "sɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆ"
    "ǆǉǉǌǌaaiioouuuuuuuuuuaaǡǣǥggkkooooǯjǳǳgg"
    "ƕƿnnaaǽǿaaaaeeeeiiiioooorrrruuuussttȝhhƞ"
    "ȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏͱͳͷάέήίόύώα"
    "βγδεζηθικλμνξοπρστυφχψωϊϋσϗβθφπϙϛϝϟϡϣϥϧϩ"
    "ϫϭϯκρθεϸϲϻͻͼͽѐёђѓєѕіїјљњћќѝўџабвгдежзийк"
    "лмнопрстуфхцчшщъыьэюяѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍ"
    "ҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝ"
    "ӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿԁԃԅԇԉԋԍԏԑԓԕԗԙԛԝԟԡԣԥԧաբգ"
    "դեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆⴀⴁⴂⴃⴄ"
    "ⴅⴆⴇⴈⴉⴊⴋⴌⴍⴎⴏⴐⴑⴒⴓⴔⴕⴖⴗⴘⴙⴚⴛⴜⴝⴞⴟⴠⴡⴢⴣⴤⴥⴧⴭaabbb"
    "bbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhi"
    "iiikkkkkkllllllllmmmmmmnnnnnnnnoooooooop"
    "ppprrrrrrrrssssssssssttttttttuuuuuuuuuuv"
    "vvvwwwwwwwwwwxxxxyyzzzzzzhtwysßaaaaaaaaa"
    "aaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiiooooo"
    "ooooooooooooooooooouuuuuuuuuuuuuuyyyyyyy"
    "yỻỽỿἀἁἂἃἄἅἆἇἐἑἒἓἔἕἠἡἢἣἤἥἦἧἰἱἲἳἴἵἶἷὀὁὂὃὄὅ"
    "ὑὓὕὗὠὡὢὣὤὥὦὧᾀᾁᾂᾃᾄᾅᾆᾇᾐᾑᾒᾓᾔᾕᾖᾗᾠᾡᾢᾣᾤᾥᾦᾧᾰᾱὰά"
    "ᾳιὲέὴήῃῐῑὶίῠῡὺύῥὸόὼώῳωkaⅎⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻⅼⅽⅾ"
    "ⅿↄⰰⰱⰲⰳⰴⰵⰶⰷⰸⰹⰺⰻⰼⰽⰾⰿⱀⱁⱂⱃⱄⱅⱆⱇⱈⱉⱊⱋⱌⱍⱎⱏⱐⱑⱒⱓⱔⱕ"
    "ⱖⱗⱘⱙⱚⱛⱜⱝⱞⱡɫᵽɽⱨⱪⱬɑɱɐɒⱳⱶȿɀⲁⲃⲅⲇⲉⲋⲍⲏⲑⲓⲕⲗⲙⲛⲝⲟ"
    "ⲡⲣⲥⲧⲩⲫⲭⲯⲱⲳⲵⲷⲹⲻⲽⲿⳁⳃⳅⳇⳉⳋⳍⳏⳑⳓⳕⳗⳙⳛⳝⳟⳡⳣⳬⳮⳳꙁꙃꙅ"
    "ꙇꙉꙋꙍꙏꙑꙓꙕꙗꙙꙛꙝꙟꙡꙣꙥꙧꙩꙫꙭꚁꚃꚅꚇꚉꚋꚍꚏꚑꚓꚕꚗꜣꜥꜧꜩꜫꜭꜯꜳ"
    "ꜵꜷꜹꜻꜽꜿꝁꝃꝅꝇꝉꝋꝍꝏꝑꝓꝕꝗꝙꝛꝝꝟꝡꝣꝥꝧꝩꝫꝭꝯꝺꝼᵹꝿꞁꞃꞅꞇꞌɥ"
    "ꞑꞓꞡꞣꞥꞧꞩɦａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ𐐨𐐩𐐪𐐫𐐬𐐭"
    "𐐮𐐯𐐰𐐱𐐲𐐳𐐴𐐵𐐶𐐷𐐸𐐹𐐺𐐻𐐼𐐽𐐾𐐿𐑀𐑁𐑂𐑃𐑄𐑅𐑆𐑇𐑈𐑉𐑊𐑋𐑌𐑍𐑎𐑏"
)
DELETE_V1 = (
    "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030f\u0311"
    "\u031b\u0323\u0324\u0325\u0326\u0327\u0328\u032d\u032e\u0330\u0331"
)
# Code points and ranges (hex) that separate words.
_SEPARATORS_V1 = (
    "1-2F 3A-40 5B-60 7B-A9 AB-B1 B4 B6-B8 BB BF D7 F7 2C2-2C5 2D2-2DF 2E5-2EB 2ED 2EF-2FF 305 "
    "30D-30E 310 312-31A 31C-322 329-32C 32F 332-36F 375 37E 384-385 387 3F6 482-489 55A-55F "
    "589-58A 58F 591-5C7 5F3-5F4 600-604 606-61B 61E-61F 64B-65F 66A-66D 670 6D4 6D6-6E4 6E7-6ED "
    "6FD-6FE 700-70D 70F 711 730-74A 7A6-7B0 7EB-7F3 7F6-7F9 816-819 81B-823 825-827 829-82D "
    "830-83E 859-85B 85E 8E4-8FE 900-903 93A-93C 93E-94F 951-957 962-965 970 981-983 9BC 9BE-9C4 "
    "9C7-9C8 9CB-9CD 9D7 9E2-9E3 9F2-9F3 9FA-9FB A01-A03 A3C A3E-A42 A47-A48 A4B-A4D A51 A70-A71 "
    "A75 A81-A83 ABC ABE-AC5 AC7-AC9 ACB-ACD AE2-AE3 AF0-AF1 B01-B03 B3C B3E-B44 B47-B48 B4B-B4D "
    "B56-B57 B62-B63 B70 B82 BBE-BC2 BC6-BC8 BCA-BCD BD7 BF3-BFA C01-C03 C3E-C44 C46-C48 C4A-C4D "
    "C55-C56 C62-C63 C7F C82-C83 CBC CBE-CC4 CC6-CC8 CCA-CCD CD5-CD6 CE2-CE3 D02-D03 D3E-D44 "
    "D46-D48 D4A-D4D D57 D62-D63 D79 D82-D83 DCA DCF-DD4 DD6 DD8-DDF DF2-DF4 E31 E34-E3A E3F "
    "E47-E4F E5A-E5B EB1 EB4-EB9 EBB-EBC EC8-ECD F01-F1F F34-F3F F71-F87 F8D-F97 F99-FBC FBE-FCC "
    "FCE-FDA 102B-103E 104A-104F 1056-1059 105E-1060 1062-1064 1067-106D 1071-1074 1082-108D 108F "
    "109A-109F 10FB 135D-1368 1390-1399 1400 166D-166E 1680 169B-169C 16EB-16ED 1712-1714 "
    "1732-1736 1752-1753 1772-1773 17B4-17D6 17D8-17DB 17DD 1800-180E 18A9 1920-192B 1930-193B "
    "1940 1944-1945 19B0-19C0 19C8-19C9 19DE-19FF 1A17-1A1B 1A1E-1A1F 1A55-1A5E 1A60-1A7C 1A7F "
    "1AA0-1AA6 1AA8-1AAD 1B00-1B04 1B34-1B44 1B5A-1B7C 1B80-1B82 1BA1-1BAD 1BE6-1BF3 1BFC-1BFF "
    "1C24-1C37 1C3B-1C3F 1C7E-1C7F 1CC0-1CC7 1CD0-1CE8 1CED 1CF2-1CF4 1DC0-1DE6 1DFC-1DFF 1FBD "
    "1FBF-1FC1 1FCD-1FCF 1FDD-1FDF 1FED-1FEF 1FFD-1FFE 2000-2064 206A-206F 207A-207E 208A-208E "
    "20A0-20B9 20D0-20F0 2100-2101 2103-2106 2108-2109 2114 2116-2118 211E-2123 2125 2127 2129 "
    "212E 213A-213B 2140-2144 214A-214D 214F 2190-23F3 2400-2426 2440-244A 249C-24E9 2500-26FF "
    "2701-2775 2794-2B4C 2B50-2B59 2CE5-2CEA 2CEF-2CF1 2CF9-2CFC 2CFE-2CFF 2D70 2D7F 2DE0-2E2E "
    "2E30-2E3B 2E80-2E99 2E9B-2EF3 2F00-2FD5 2FF0-2FFB 3000-3004 3008-3020 302A-3030 3036-3037 "
    "303D-303F 3099-309C 30A0 30FB 3190-3191 3196-319F 31C0-31E3 3200-321E 322A-3247 3250 "
    "3260-327F 328A-32B0 32C0-32FE 3300-33FF 4DC0-4DFF A490-A4C6 A4FE-A4FF A60D-A60F A66F-A67E "
    "A69F A6F0-A6F7 A700-A716 A720-A721 A789-A78A A802 A806 A80B A823-A82B A836-A839 A874-A877 "
    "A880-A881 A8B4-A8C4 A8CE-A8CF A8E0-A8F1 A8F8-A8FA A926-A92F A947-A953 A95F A980-A983 "
    "A9B3-A9CD A9DE-A9DF AA29-AA36 AA43 AA4C-AA4D AA5C-AA5F AA77-AA79 AA7B AAB0 AAB2-AAB4 "
    "AAB7-AAB8 AABE-AABF AAC1 AADE-AADF AAEB-AAF1 AAF5-AAF6 ABE3-ABED FB1E FB29 FBB2-FBC1 "
    "FD3E-FD3F FDFC-FDFD FE00-FE19 FE20-FE26 FE30-FE52 FE54-FE66 FE68-FE6B FEFF FF01-FF0F "
    "FF1A-FF20 FF3B-FF40 FF5B-FF65 FFE0-FFE6 FFE8-FFEE FFF9-FFFF 10100-10102 10137-1013F "
    "10179-10189 10190-1019B 101D0-101FD 1039F 103D0 10857 1091F 1093F 10A01-10A03 10A05-10A06 "
    "10A0C-10A0F 10A38-10A3A 10A3F 10A50-10A58 10A7F 10B39-10B3F 11000-11002 11038-1104D "
    "11080-11082 110B0-110C1 11100-11102 11127-11134 11140-11143 11180-11182 111B3-111C0 "
    "111C5-111C8 116AB-116B7 12470-12473 16F51-16F7E 16F8F-16F92 1D000-1D0F5 1D100-1D126 "
    "1D129-1D1DD 1D200-1D245 1D300-1D356 1D6C1 1D6DB 1D6FB 1D715 1D735 1D74F 1D76F 1D789 1D7A9 "
    "1D7C3 1EEF0-1EEF1 1F000-1F02B 1F030-1F093 1F0A0-1F0AE 1F0B1-1F0BE 1F0C1-1F0CF 1F0D1-1F0DF "
    "1F110-1F12E 1F130-1F16B 1F170-1F19A 1F1E6-1F202 1F210-1F23A 1F240-1F248 1F250-1F251 "
    "1F300-1F320 1F330-1F335 1F337-1F37C 1F380-1F393 1F3A0-1F3C4 1F3C6-1F3CA 1F3E0-1F3F0 "
    "1F400-1F43E 1F440 1F442-1F4F7 1F4F9-1F4FC 1F500-1F53D 1F540-1F543 1F550-1F567 1F5FB-1F640 "
    "1F645-1F64F 1F680-1F6C5 1F700-1F773 E0001 E0020-E007F E0100-E01EF "
)
SEPARATOR_RANGES_V1: tuple[tuple[int, int], ...] = tuple(
    (int(low, 16), int(high or low, 16))
    for low, _, high in (part.partition("-") for part in _SEPARATORS_V1.split())
)


@cache
def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for low, high in SEPARATOR_RANGES_V1:
        for code in range(low, high + 1):
            table[code] = " "
    table.update({ord(a): b for a, b in zip(FOLD_FROM_V1, FOLD_TO_V1, strict=True)})
    table.update(dict.fromkeys(map(ord, DELETE_V1)))
    return table


def fold(text: str) -> str:
    """`text` folded as the index folds it: separators become spaces."""
    return text.translate(_table())


def words(text: str) -> list[str]:
    """The words of `text` as the index holds them, in order."""
    return [word for word in fold(text).split(" ") if word]


def postgres_separator_class() -> str:
    """A PostgreSQL regular-expression class that matches every separator."""

    def char(code: int) -> str:
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"

    parts = (char(lo) if lo == hi else f"{char(lo)}-{char(hi)}" for lo, hi in SEPARATOR_RANGES_V1)
    return "[" + "".join(parts) + "]"
