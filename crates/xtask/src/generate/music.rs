//! The catalogue side: genres, media types, artists, albums, tracks,
//! playlists and playlist tracks.

use std::path::Path;

use anyhow::{Context, Result};
use rand::Rng;
use rand::seq::{SliceRandom, index};
use rand_distr::{Distribution, LogNormal, Zipf};
use rust_decimal::Decimal;

use super::words::{self, COUNTRIES, GENRES, MEDIA_TYPES};
use super::writer::{FileSummary, TableWriter, Value};
use super::{Sizes, Stream, choose, pick_weighted, rng_for};

/// What later stages need to know about each track (index = TrackId − 1):
/// two bytes per track, so even large scales keep this small.
#[derive(Debug, Default)]
pub struct Tracks {
    media: Vec<u8>,
    genre: Vec<u8>,
}

impl Tracks {
    pub fn len(&self) -> usize {
        self.media.len()
    }

    pub fn is_video(&self, track_id: u32) -> bool {
        self.media.get(track_id as usize - 1) == Some(&words::VIDEO_MEDIA_TYPE)
    }

    /// The track's price: 1.99 for video, 0.99 for audio (as in Chinook).
    pub fn price(&self, track_id: u32) -> Decimal {
        price_for_media(self.media.get(track_id as usize - 1).copied().unwrap_or(1))
    }
}

fn price_for_media(media: u8) -> Decimal {
    if media == words::VIDEO_MEDIA_TYPE {
        Decimal::new(199, 2)
    } else {
        Decimal::new(99, 2)
    }
}

pub fn write_genres(dir: &Path) -> Result<FileSummary> {
    let mut w = TableWriter::create(dir, "Genre", &["GenreId", "Name"])?;
    for (id, (name, _)) in (1..).zip(GENRES) {
        w.write(&[Value::Int(id), Value::Text(name)])?;
    }
    w.finish()
}

pub fn write_media_types(dir: &Path) -> Result<FileSummary> {
    let mut w = TableWriter::create(dir, "MediaType", &["MediaTypeId", "Name"])?;
    for (id, (name, _)) in (1..).zip(MEDIA_TYPES) {
        w.write(&[Value::Int(id), Value::Text(name)])?;
    }
    w.finish()
}

/// A first and last name from any country (non-ASCII letters included).
fn person_name<R: Rng>(rng: &mut R) -> (&'static str, &'static str) {
    let country = choose(rng, COUNTRIES);
    (
        *choose(rng, country.first_names),
        *choose(rng, country.last_names),
    )
}

fn noun<R: Rng>(rng: &mut R) -> &'static str {
    choose(rng, words::NOUNS).0
}

fn nouns<R: Rng>(rng: &mut R) -> &'static str {
    choose(rng, words::NOUNS).1
}

fn adjective<R: Rng>(rng: &mut R) -> &'static str {
    choose::<&str, R>(rng, words::ADJECTIVES)
}

/// A city from any country (without Chinook's trailing space).
fn place<R: Rng>(rng: &mut R) -> &'static str {
    let country = choose(rng, COUNTRIES);
    choose(rng, country.cities).name.trim()
}

fn artist_name<R: Rng>(rng: &mut R) -> String {
    match rng.random_range(0..100) {
        0..28 => format!("The {} {}", adjective(rng), nouns(rng)),
        28..48 => {
            let (first, last) = person_name(rng);
            format!("{first} {last}")
        }
        48..60 => format!("{} {}", adjective(rng), noun(rng)),
        60..67 => {
            let (first, last) = person_name(rng);
            format!("{first} {last} & The {}", nouns(rng))
        }
        67..72 => {
            let (a, b, c) = (person_name(rng).1, person_name(rng).1, person_name(rng).1);
            format!("{a}, {b} & {c}")
        }
        72..80 => {
            let place = place(rng);
            format!("{place} {}", choose(rng, words::ENSEMBLES))
        }
        80..88 => choose(rng, words::WORLD_WORDS).to_string(),
        88..95 => format!("DJ {}", person_name(rng).0),
        95..99 => format!("{} {}", noun(rng), nouns(rng)),
        _ => {
            let (first, last) = person_name(rng);
            format!("{first} \"{}\" {last}", choose(rng, words::NICKNAMES))
        }
    }
}

pub fn write_artists(dir: &Path, seed: u64, sizes: &Sizes) -> Result<FileSummary> {
    let mut rng = rng_for(seed, Stream::Artists);
    let mut w = TableWriter::create(dir, "Artist", &["ArtistId", "Name"])?;
    for id in 1..=i64::from(sizes.artists) {
        let name = artist_name(&mut rng);
        w.write(&[Value::Int(id), Value::Text(&name)])?;
    }
    w.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Audio,
    Classical,
    Video,
}

impl Kind {
    fn of_genre(genre: u8) -> Self {
        if words::VIDEO_GENRES.contains(&genre) {
            Kind::Video
        } else if words::CLASSICAL_GENRES.contains(&genre) {
            Kind::Classical
        } else {
            Kind::Audio
        }
    }
}

fn album_title<R: Rng>(rng: &mut R, kind: Kind) -> String {
    match kind {
        Kind::Video => {
            let show = match rng.random_range(0..3) {
                0 => format!("{} {}", adjective(rng), nouns(rng)),
                1 => format!("The {}", noun(rng)),
                _ => choose(rng, words::WORLD_WORDS).to_string(),
            };
            format!("{show}, Season {}", rng.random_range(1..=6))
        }
        Kind::Classical => {
            let composer = choose(rng, words::CLASSICAL_COMPOSERS);
            let form = choose(rng, words::CLASSICAL_FORMS);
            match rng.random_range(0..3) {
                0 => format!("{composer}: {form}s"),
                1 => format!("{composer}: {form} No. {}", rng.random_range(1..=9)),
                _ => format!("The Best of {composer}"),
            }
        }
        Kind::Audio => match rng.random_range(0..100) {
            0..25 => format!("{} {}", adjective(rng), noun(rng)),
            25..35 => format!("{} of the {}", noun(rng), nouns(rng)),
            35..45 => {
                let place = place(rng);
                let at = if rng.random_bool(0.5) { "at" } else { "in" };
                format!("Live {at} {place}")
            }
            45..52 => format!("Greatest Hits, Vol. {}", rng.random_range(1..=3)),
            52..60 => format!("{} {} (Deluxe Edition)", adjective(rng), noun(rng)),
            60..68 => choose(rng, words::WORLD_WORDS).to_string(),
            68..76 => format!("The {} {}", adjective(rng), nouns(rng)),
            76..84 => format!(
                "{} {} the {}",
                choose(rng, words::VERBS),
                choose(rng, words::PREPOSITIONS),
                noun(rng)
            ),
            84..92 => format!("{} [Remastered]", noun(rng)),
            _ => format!("{} {}", adjective(rng), nouns(rng)),
        },
    }
}

fn track_name<R: Rng>(rng: &mut R, kind: Kind, number: u32) -> String {
    match kind {
        Kind::Video => match rng.random_range(0..10) {
            0 if number == 1 => "Pilot".to_string(),
            0..3 => format!("Episode {number}"),
            3..5 => format!("The {}, Part {}", noun(rng), rng.random_range(1..=3)),
            5..8 => format!("{} {}", adjective(rng), noun(rng)),
            _ => format!("The {} {}", adjective(rng), nouns(rng)),
        },
        Kind::Classical => {
            let form = choose(rng, words::CLASSICAL_FORMS);
            let key = choose(rng, words::KEYS);
            let catalogue = choose(rng, words::CATALOGUES);
            let movement = choose(rng, words::MOVEMENTS);
            let roman = choose(rng, words::ROMAN);
            format!(
                "{form} No. {} in {key}, {catalogue} {}: {roman}. {movement}",
                rng.random_range(1..=9),
                rng.random_range(1..=300)
            )
        }
        Kind::Audio => match rng.random_range(0..1000) {
            0..220 => format!("{} {}", adjective(rng), noun(rng)),
            220..340 => noun(rng).to_string(),
            340..440 => format!(
                "{} {} the {}",
                choose(rng, words::VERBS),
                choose(rng, words::PREPOSITIONS),
                noun(rng)
            ),
            440..520 => format!("{} {}", adjective(rng), nouns(rng)),
            520..580 => format!("{} (Live)", noun(rng)),
            580..605 => format!("Hey, {}", person_name(rng).0),
            605..615 => format!("{}, {} & {}", nouns(rng), nouns(rng), nouns(rng)),
            615..675 => choose(rng, words::WORLD_WORDS).to_string(),
            675..725 => format!("{} Pt. {}", noun(rng), rng.random_range(1..=4)),
            725..775 => format!("The {} {}", adjective(rng), noun(rng)),
            775..825 => format!("{} {}", noun(rng), noun(rng)),
            825..875 => format!("{} {}", choose(rng, words::VERBS), nouns(rng)),
            875..925 => format!("{} {} (Remix)", adjective(rng), noun(rng)),
            925..994 => format!("{}'s {}", person_name(rng).0, noun(rng)),
            _ => format!("Theme from \"{} {}\"", adjective(rng), nouns(rng)),
        },
    }
}

fn composer_name<R: Rng>(rng: &mut R, kind: Kind) -> String {
    if kind == Kind::Classical {
        return choose(rng, words::CLASSICAL_COMPOSERS).to_string();
    }
    let (first, last) = person_name(rng);
    match rng.random_range(0..200) {
        0..120 => format!("{first} {last}"),
        120..199 => {
            let initial = first.chars().next().unwrap_or('J');
            format!("{initial}. {last}")
        }
        _ => format!("{first} \"{}\" {last}", choose(rng, words::NICKNAMES)),
    }
}

/// The composers credited on one album and how their names are joined.
struct Credits {
    pool: Vec<String>,
    separator: &'static str,
}

impl Credits {
    fn draw<R: Rng>(rng: &mut R, kind: Kind) -> Self {
        // About a quarter of albums credit nobody (Chinook: 28% NULL composers).
        let count = if rng.random_bool(0.25) {
            0
        } else {
            rng.random_range(1..=4)
        };
        let pool = (0..count).map(|_| composer_name(rng, kind)).collect();
        let separator = *choose(rng, &[", ", ", ", ", ", " & ", "/"]);
        Self { pool, separator }
    }

    fn for_track<R: Rng>(&mut self, rng: &mut R) -> Option<String> {
        if self.pool.is_empty() || rng.random_bool(0.04) {
            return None;
        }
        let take = rng.random_range(1..=self.pool.len().min(3));
        self.pool.shuffle(rng);
        Some(self.pool[..take].join(self.separator))
    }
}

/// Writes Album.csv and Track.csv together: each album's tracks follow it,
/// so album attributes (genre, media type, credits) never need storing.
pub fn write_albums_and_tracks(
    dir: &Path,
    seed: u64,
    sizes: &Sizes,
) -> Result<(Tracks, FileSummary, FileSummary)> {
    let mut rng = rng_for(seed, Stream::Albums);
    let mut albums = TableWriter::create(dir, "Album", &["AlbumId", "Title", "ArtistId"])?;
    let mut track_writer = TableWriter::create(
        dir,
        "Track",
        &[
            "TrackId",
            "Name",
            "AlbumId",
            "MediaTypeId",
            "GenreId",
            "Composer",
            "Milliseconds",
            "Bytes",
            "UnitPrice",
        ],
    )?;

    // The artist of each album: 74% of artists record (Chinook: 71 of 275
    // have no album); each of them gets one album and the other albums go
    // to them by a Zipf law, so a few artists have many albums.
    let mut artists: Vec<u32> = (1..=sizes.artists).collect();
    artists.shuffle(&mut rng);
    let recording =
        ((f64::from(sizes.artists) * 0.74).round() as usize).clamp(1, sizes.albums.max(1) as usize);
    artists.truncate(recording);
    let artist_rank = Zipf::new(recording as f64, 0.9).context("artist distribution")?;
    let mut album_artists = artists.clone();
    while album_artists.len() < sizes.albums as usize {
        let rank = artist_rank.sample(&mut rng) as usize;
        album_artists.push(artists[rank.clamp(1, recording) - 1]);
    }
    album_artists.shuffle(&mut rng);

    // Cut 1..=tracks into `albums` non-empty runs at random points.
    let tracks = sizes.tracks;
    let album_count = sizes.albums.clamp(1, tracks);
    let mut ends: Vec<u32> = index::sample(&mut rng, tracks as usize - 1, album_count as usize - 1)
        .into_iter()
        .map(|i| i as u32 + 1)
        .collect();
    ends.sort_unstable();
    ends.push(tracks);

    let audio_length = LogNormal::new(250_000f64.ln(), 0.35).context("audio length")?;
    let classical_length = LogNormal::new(330_000f64.ln(), 0.5).context("classical length")?;
    let video_length = LogNormal::new(2_600_000f64.ln(), 0.12).context("video length")?;

    // Weights for mixing other genres into audio albums: audio genres only.
    let audio_genre_weights: Vec<u32> = (1..)
        .zip(GENRES)
        .map(|(id, g)| {
            if Kind::of_genre(id) == Kind::Audio {
                g.1
            } else {
                0
            }
        })
        .collect();

    let mut info = Tracks {
        media: Vec::with_capacity(tracks as usize),
        genre: Vec::with_capacity(tracks as usize),
    };
    let mut track_id: u32 = 1;
    for (album_id, end) in (1..).zip(ends) {
        let genre = pick_weighted(&mut rng, GENRES, |g| g.1) as u8 + 1;
        let kind = Kind::of_genre(genre);
        let media = if kind == Kind::Video {
            words::VIDEO_MEDIA_TYPE
        } else {
            pick_weighted(&mut rng, MEDIA_TYPES, |m| m.1) as u8 + 1
        };
        let artist_id = album_artists[album_id as usize - 1];
        let title = album_title(&mut rng, kind);
        albums.write(&[
            Value::Int(album_id),
            Value::Text(&title),
            Value::Int(artist_id.into()),
        ])?;

        let mut credits = Credits::draw(&mut rng, kind);
        let mut number = 1;
        while track_id <= end {
            // Most tracks share the album's genre; audio albums mix in some others.
            let track_genre = if kind == Kind::Audio && rng.random_bool(0.08) {
                pick_weighted(&mut rng, &audio_genre_weights, |w| *w) as u8 + 1
            } else {
                genre
            };
            let name = track_name(&mut rng, kind, number);
            let composer = credits.for_track(&mut rng);
            let length = match kind {
                Kind::Audio => audio_length.sample(&mut rng),
                Kind::Classical => classical_length.sample(&mut rng),
                Kind::Video => video_length.sample(&mut rng),
            };
            let milliseconds = length.clamp(4_000.0, 6_000_000.0) as i64;
            let bytes_per_ms = match media {
                2 => rng.random_range(15.5..16.5),
                3 => rng.random_range(170.0..210.0),
                _ => rng.random_range(31.0..34.0),
            };
            let bytes = (milliseconds as f64 * bytes_per_ms) as i64;
            track_writer.write(&[
                Value::Int(track_id.into()),
                Value::Text(&name),
                Value::Int(album_id),
                Value::Int(media.into()),
                Value::Int(track_genre.into()),
                Value::opt_text(composer.as_deref()),
                Value::Int(milliseconds),
                Value::Int(bytes),
                Value::Money(price_for_media(media)),
            ])?;
            info.media.push(media);
            info.genre.push(track_genre);
            track_id += 1;
            number += 1;
        }
    }
    Ok((info, albums.finish()?, track_writer.finish()?))
}

/// Which tracks a playlist holds.
#[derive(Debug, Clone, Copy)]
enum Members {
    Empty,
    AllAudio,
    AllVideo,
    /// Each audio track with this probability.
    Share(f64),
    /// This many tracks from these genres; empty = any audio.
    Pick(u32, &'static [u8]),
    /// This many video tracks.
    PickVideo(u32),
}

/// Every genre id, to borrow one-genre slices from.
static GENRE_IDS: [u8; 25] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
];

/// The 18 playlists of the real data set, with contents of the same shape.
static REAL_PLAYLISTS: &[(&str, Members)] = &[
    ("Music", Members::AllAudio),
    ("Movies", Members::Empty),
    ("TV Shows", Members::AllVideo),
    ("Audiobooks", Members::Empty),
    ("90’s Music", Members::Share(0.45)),
    ("Audiobooks", Members::Empty),
    ("Movies", Members::Empty),
    ("Music", Members::AllAudio),
    ("Music Videos", Members::PickVideo(1)),
    ("TV Shows", Members::AllVideo),
    ("Brazilian Music", Members::Pick(39, &[7, 11])),
    ("Classical", Members::Pick(75, &[24, 25])),
    ("Classical 101 - Deep Cuts", Members::Pick(25, &[24, 25])),
    ("Classical 101 - Next Steps", Members::Pick(25, &[24, 25])),
    ("Classical 101 - The Basics", Members::Pick(25, &[24, 25])),
    ("Grunge", Members::Pick(15, &[1, 4, 23])),
    ("Heavy Metal Classic", Members::Pick(26, &[3, 13])),
    ("On-The-Go 1", Members::Pick(1, &[])),
];

pub fn write_playlists(
    dir: &Path,
    seed: u64,
    sizes: &Sizes,
    tracks: &Tracks,
) -> Result<(FileSummary, FileSummary)> {
    let mut rng = rng_for(seed, Stream::Playlists);
    let mut playlists = TableWriter::create(dir, "Playlist", &["PlaylistId", "Name"])?;
    let mut members = TableWriter::create(dir, "PlaylistTrack", &["PlaylistId", "TrackId"])?;

    let ids = 1..=tracks.len() as u32;
    let audio: Vec<u32> = ids.clone().filter(|&t| !tracks.is_video(t)).collect();
    let video: Vec<u32> = ids.filter(|&t| tracks.is_video(t)).collect();
    let mut by_genre: Vec<Vec<u32>> = vec![Vec::new(); GENRES.len() + 1];
    for (id, &genre) in (1..).zip(&tracks.genre) {
        if let Some(list) = by_genre.get_mut(usize::from(genre)) {
            list.push(id);
        }
    }

    let mut chosen: Vec<u32> = Vec::new();
    for playlist_id in 1..=sizes.playlists {
        let index = playlist_id as usize - 1;
        // The real playlists grow with the catalogue (√scale); the extra
        // ones are personal-sized (10–100 tracks) at any scale.
        let (name, spec, growth) = match REAL_PLAYLISTS.get(index) {
            Some((name, spec)) => ((*name).to_string(), *spec, sizes.growth()),
            None => {
                let extra = index - REAL_PLAYLISTS.len();
                let themes = words::PLAYLIST_THEMES;
                let name = format!(
                    "{} {}",
                    themes[extra % themes.len()],
                    extra / themes.len() + 1
                );
                let count = rng.random_range(10..=100);
                let spec = if rng.random_bool(0.5) {
                    Members::Pick(count, &[])
                } else {
                    let genre = pick_weighted(&mut rng, GENRES, |g| g.1) as u8 + 1;
                    if Kind::of_genre(genre) == Kind::Video {
                        Members::PickVideo(count / 10 + 1)
                    } else {
                        Members::Pick(
                            count,
                            &GENRE_IDS[usize::from(genre) - 1..usize::from(genre)],
                        )
                    }
                };
                (name, spec, 1.0)
            }
        };
        let scaled = |count: u32| ((f64::from(count) * growth).round() as usize).max(1);
        playlists.write(&[Value::Int(playlist_id.into()), Value::Text(&name)])?;

        chosen.clear();
        match spec {
            Members::Empty => {}
            Members::AllAudio => chosen.extend_from_slice(&audio),
            Members::AllVideo => chosen.extend_from_slice(&video),
            Members::Share(p) => {
                chosen.extend(audio.iter().copied().filter(|_| rng.random_bool(p)))
            }
            Members::PickVideo(count) => sample_into(&mut rng, &video, scaled(count), &mut chosen),
            Members::Pick(count, &[]) => sample_into(&mut rng, &audio, scaled(count), &mut chosen),
            Members::Pick(count, genres) => {
                let candidates: Vec<u32> = genres
                    .iter()
                    .flat_map(|g| {
                        by_genre
                            .get(usize::from(*g))
                            .map(Vec::as_slice)
                            .unwrap_or_default()
                    })
                    .copied()
                    .collect();
                sample_into(&mut rng, &candidates, scaled(count), &mut chosen);
            }
        }
        chosen.sort_unstable();
        for &track_id in &chosen {
            members.write(&[Value::Int(playlist_id.into()), Value::Int(track_id.into())])?;
        }
    }
    Ok((playlists.finish()?, members.finish()?))
}

/// Appends `count` distinct elements of `from` (all of them if fewer).
fn sample_into<R: Rng>(rng: &mut R, from: &[u32], count: usize, out: &mut Vec<u32>) {
    let count = count.min(from.len());
    out.extend(
        index::sample(rng, from.len(), count)
            .into_iter()
            .map(|i| from[i]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::stream_rng;

    #[test]
    fn genre_tables_agree() {
        assert_eq!(GENRE_IDS.len(), GENRES.len());
        assert!(GENRE_IDS.iter().zip(1..).all(|(id, n)| *id == n));
        for id in words::VIDEO_GENRES.iter().chain(words::CLASSICAL_GENRES) {
            assert!(usize::from(*id) <= GENRES.len());
        }
        assert_eq!(
            MEDIA_TYPES[usize::from(words::VIDEO_MEDIA_TYPE) - 1].0,
            "Protected MPEG-4 video file"
        );
    }

    #[test]
    fn names_are_never_empty() {
        let mut rng = stream_rng(3, 3);
        for _ in 0..2000 {
            assert!(!artist_name(&mut rng).is_empty());
            for kind in [Kind::Audio, Kind::Classical, Kind::Video] {
                assert!(!album_title(&mut rng, kind).trim().is_empty());
                assert!(!track_name(&mut rng, kind, 1).trim().is_empty());
                assert!(!composer_name(&mut rng, kind).is_empty());
            }
        }
    }

    #[test]
    fn prices_follow_media_type() {
        let tracks = Tracks {
            media: vec![1, 3, 2],
            genre: vec![1, 19, 1],
        };
        assert_eq!(tracks.price(1).to_string(), "0.99");
        assert_eq!(tracks.price(2).to_string(), "1.99");
        assert!(tracks.is_video(2) && !tracks.is_video(3));
    }
}
